"""The identity tool: which account of the beneficiary each grant would land on."""

from __future__ import annotations

import re
from typing import Literal

from pydantic import Field

from domain.ids import key
from domain.model.directory import Directory
from domain.model.identities import IdentityChoice, choose_identity
from domain.model.org import Identity
from tools.base import ToolContext, ToolModel
from tools.proposal_models import ProposalInput


class IdentitiesInput(ToolModel):
    beneficiary_id: str = Field(description="Person id of who would receive the access.")
    entitlement_ids: list[str] = Field(description="Entitlement ids to place.")
    hints: list[str] = Field(
        default_factory=list,
        description='Account names the user mentioned, e.g. "alex-admin"; used to pick.',
    )


class Placement(ToolModel):
    entitlement_id: str
    status: Literal["chosen", "choose", "new", "unavailable"] = Field(
        description="chosen: one account; choose: the user must pick one of `options`; "
        "new: an account will be created; unavailable: no account and none can be created."
    )
    identity_id: str | None = Field(default=None, description='"app:username", or "new".')
    options: list[str] = Field(default_factory=list, description="Identity ids to pick from.")
    message: str = ""


class IdentitiesOutput(ToolModel):
    placements: list[Placement]


def _placement(choice: IdentityChoice) -> Placement:
    return Placement(
        entitlement_id=choice.entitlement_id,
        status=choice.status,
        identity_id=choice.identity_id,
        options=list(choice.options),
        message=choice.message,
    )


def identities(ctx: ToolContext, inp: IdentitiesInput) -> IdentitiesOutput:
    """For each entitlement, find the beneficiary's account in its application: one
    account is chosen; several must be picked by the user (unless a hint names one);
    none means a new account where the app can create one, otherwise it cannot be
    requested here."""
    return IdentitiesOutput(
        placements=[
            _placement(
                choose_identity(ctx.directory, inp.beneficiary_id, e, hints=tuple(inp.hints))
            )
            for e in inp.entitlement_ids
        ]
    )


# --- an account described in words ------------------------------------------------------
# "the admin one", "my admin account", "personal", "on mokafor", "use mokafor, not the
# admin account": a username picks its account; "admin" the account whose username says
# admin; "personal" (and the like) the one whose username does not; "not …" rules out.
_ADMIN = frozenset({"admin", "administrator", "adm", "privileged", "root", "elevated", "su"})
_PLAIN = frozenset(
    {"personal", "own", "regular", "normal", "main", "usual", "everyday", "plain", "non-admin"}
)
_NOT = frozenset({"not", "no", "never", "without", "instead", "rather", "except"})
_FILLER = frozenset(
    "use the my one account accounts acct login user username id on with a an please i me"
    " to for that this it in via from as of and is should be go onto into".split()
)
_LONGEST = 300  # characters of a description read; an account hint is a few words


def pick_account(directory: Directory, options: list[str], hints: list[str]) -> str | None:
    """The one identity among `options` (ids) the hints describe, or None."""
    idents = [i for o in options if (i := directory.identities.get(key(o))) is not None]
    wanted, unwanted = _words("; ".join(hints)[:_LONGEST])
    by_name = [i for i in idents if key(i.username) in wanted]
    if len(by_name) == 1:
        return by_name[0].id
    found = [i for i in idents if _described(i.username, wanted)] if wanted else idents
    found = [i for i in found if not _described(i.username, unwanted)]
    if len(found) > 1 and wanted & _PLAIN:
        found = _least_qualified(found)
    return found[0].id if len(found) == 1 and (wanted or unwanted) else None


def _least_qualified(idents: list[Identity]) -> list[Identity]:
    """ "the personal one" of priya.shah and priya.shah.reporting: the account whose
    username the others only add words to."""
    parts = {i.id: set(re.split(r"[-_.@]", key(i.username))) for i in idents}
    return [i for i in idents if all(parts[i.id] < parts[o.id] for o in idents if o is not i)]


def names_own_account(directory: Directory, person_id: str, text: str) -> bool:
    """The words name one of the person's own accounts ("mokafor", "my admin account")
    rather than a person to copy."""
    wanted, unwanted = _words(text[:_LONGEST])
    usernames = {key(i.username) for i in directory.identities_of.get(key(person_id), [])}
    if wanted & usernames:
        return True
    described = wanted | unwanted
    return bool(described) and described <= _ADMIN | _PLAIN


def _words(text: str) -> tuple[set[str], set[str]]:
    """Words describing the wanted account, and words after a "not" in the same clause."""
    wanted: set[str] = set()
    unwanted: set[str] = set()
    for clause in re.split(r"[,;]|\bbut\b", text.casefold()):
        negated = False
        for word in re.findall(r"[\w.@-]+", clause):
            if word in _NOT:
                negated = True
            elif word not in _FILLER and len(word) > 1:
                (unwanted if negated else wanted).add(word)
    return wanted, unwanted


def _described(username: str, words: set[str]) -> bool:
    name = key(username)
    parts = set(re.split(r"[-_.@]", name))
    admin = "admin" in name or bool(parts & _ADMIN)
    if words & _ADMIN and admin:
        return True
    if words & _PLAIN and not admin:
        return True
    return bool(words & (parts | {name}))


def account_not_person(
    directory: Directory, inp: ProposalInput, beneficiary_id: str
) -> ProposalInput:
    """ "use mokafor, not the admin account" read as access like a person "mokafor": the
    words describe the beneficiary's own account, so they are an account hint."""
    text = inp.reference or ""
    if inp.access_like != "person" or not text.strip():
        return inp
    if not names_own_account(directory, beneficiary_id, text):
        return inp
    return inp.model_copy(
        update={
            "access_like": "custom" if inp.entitlements else None,
            "reference": None,
            "identity_hints": [*inp.identity_hints, text],
        }
    )
