"""The guided request form's data: what each step offers (over the directory and the
tools) and the answers so far, carried between steps in the view's private_metadata.

Pure functions: `slack.guided_steps` reads a submitted view and picks the next form;
`blocks.request_modal` renders one.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from typing import Any

from domain.ids import key
from domain.model.caps import cap_for
from domain.model.directory import Directory
from domain.model.org import Person
from slack_app.blocks.ids import Action
from slack_app.blocks.request_form import AccessLike, AccountChoice, Choice, RequestForm
from slack_app.blocks.request_modal import LIKE_LABELS
from tools.access import AccessDiffInput, Grant, access_diff
from tools.base import ToolContext
from tools.identities import IdentitiesInput, identities

MAX_METADATA = 3000  # Slack's limit on a view's private_metadata
NOTHING_NEW = "{} has nothing you can request that you don't already have."
PICK_GRANTS = "Pick at least one access grant, or “Select all”."
PICK_ACCOUNT = "Pick the account this access should go to."
PICK_END = "Pick the last day of access."
PAST_END = "The last day of access can't be in the past."
PICK_REASON = "Pick a reason."
TOO_MANY = "That is too much for one form: pick fewer grants, or tell me in a DM."
EXPIRED_FORM = "This form is out of date: open it again with /access."
UNAVAILABLE = "{}: you have no account there and one can't be created here ({})."
LIKE_WORDS = {
    "person": "same access as {}",
    "job_title": "what a {} gets",
    "role": "the {} role",
    "custom": "{}",
}


@dataclass
class FormAnswers:
    """What the requester chose in earlier steps (private_metadata, compact JSON)."""

    like: AccessLike = "person"
    ref: str | None = None  # person id, job title or role id; None for custom
    ref_label: str = ""
    grants: list[str] = field(default_factory=list)  # entitlement ids; empty with all_
    all_: bool = False
    accounts: dict[str, str] = field(default_factory=dict)  # entitlement id -> identity id

    def dump(self) -> str:
        return json.dumps(asdict(self), separators=(",", ":"), ensure_ascii=False)

    @classmethod
    def load(cls, raw: str) -> FormAnswers | None:
        """None when the metadata is not ours (an old form, a forged view)."""
        try:
            data = json.loads(raw or "")
            answers = cls(**data)
        except (ValueError, TypeError):
            return None
        if answers.like not in LIKE_LABELS:
            return None
        return answers


# --- what each step offers (pure, over the directory and the tools) -------------------
def references(directory: Directory, kind: str, me: str) -> list[Choice]:
    if kind == "person":
        return [
            Choice(p.id, p.name, p.title or "")
            for p in directory.data.people
            if p.active and key(p.id) != key(me)
        ]
    if kind == "job_title":
        return [Choice(t, t) for t in directory.titles()]
    if kind == "role":
        return [Choice(r.id, r.name) for r in directory.roles.values()]
    return []


def like_form(directory: Directory, person: Person, kind: str = "person") -> RequestForm:
    like: AccessLike = kind if kind in LIKE_LABELS else "person"  # type: ignore[assignment]
    return RequestForm(
        access_like=like,
        references=references(directory, like, person.id),
        reasons=directory.reasons,
    )


def offered(ctx: ToolContext, answers: FormAnswers) -> tuple[list[Grant], str | None]:
    """What the reference offers the requester (custom: everything requestable they
    lack), or why nothing can be offered."""
    custom = [e.id for app in ctx.directory.data.applications for e in app.entitlements]
    diff = access_diff(
        ctx,
        AccessDiffInput(
            beneficiary_id=ctx.requester_id,
            kind=answers.like,
            reference=answers.ref if answers.like != "custom" else None,
            entitlement_ids=custom if answers.like == "custom" else [],
        ),
    )
    return diff.offered, diff.error


def grant_choice(g: Grant) -> Choice:
    return Choice(g.entitlement_id, g.label, "privileged" if g.privileged else "")


def grants_form(answers: FormAnswers, grants: list[Grant], *, error: str = "") -> RequestForm:
    reference = Choice(answers.ref or "", answers.ref_label) if answers.ref_label else None
    return RequestForm(
        metadata=answers.dump(),
        access_like=answers.like,
        reference=reference,
        grants=[grant_choice(g) for g in grants],
        chosen_grants=list(answers.grants),
        select_all=answers.all_,
        error=error,
    )


def chosen_ids(answers: FormAnswers, grants: list[Grant]) -> list[str]:
    if answers.all_:
        return [g.entitlement_id for g in grants]
    wanted = {key(g) for g in answers.grants}
    return [g.entitlement_id for g in grants if key(g.entitlement_id) in wanted]


def accounts_form(
    ctx: ToolContext, answers: FormAnswers, entitlement_ids: list[str]
) -> tuple[RequestForm, bool]:
    """The identities step, and whether it has anything to ask."""
    d = ctx.directory
    placed = identities(
        ctx, IdentitiesInput(beneficiary_id=ctx.requester_id, entitlement_ids=entitlement_ids)
    ).placements
    by_app: dict[str, AccountChoice] = {}
    notes = []
    for p in placed:
        app = d.app_of.get(p.entitlement_id.casefold())
        if app is None:
            continue
        if p.status == "unavailable":
            notes.append(UNAVAILABLE.format(app.name, p.message or "no account"))
        if p.status != "choose" or app.id in by_app:
            continue
        mine = [answers.accounts[e] for e in answers.accounts if app_of(d, e) == app.id]
        chosen = mine[0] if mine else None
        by_app[app.id] = AccountChoice(
            app.id,
            app.name,
            [Choice(o, o.split(":", 1)[-1]) for o in p.options],
            chosen=chosen if chosen in p.options else None,
        )
    form = RequestForm(metadata=answers.dump(), accounts=list(by_app.values()), notes=notes)
    return form, bool(by_app)


def app_of(directory: Directory, entitlement_id: str) -> str | None:
    app = directory.app_of.get(entitlement_id.casefold())
    return app.id if app else None


def duration_form(
    directory: Directory,
    answers: FormAnswers,
    entitlement_ids: list[str],
    *,
    permanent: bool | None = None,
    end_date: str | None = None,
    reason: str | None = None,
    comment: str = "",
    error: str = "",
) -> RequestForm:
    tightest = cap_for(directory, entitlement_ids)
    return RequestForm(
        metadata=answers.dump(),
        access_like=answers.like,
        permanent_allowed=cap_for(directory, entitlement_ids, permanent=True) is None,
        permanent=permanent,
        end_date=end_date,
        cap_note=tightest.describe() if tightest else "",
        reasons=directory.reasons,
        reason=reason,
        comment=comment,
        error=error,
    )


# --- reading a view's state --------------------------------------------------------------


@dataclass(frozen=True)
class Finished:
    """The form's result: the structured ask for `AgentRunner.start`."""

    words: str
    ask: dict[str, Any]
    picks: dict[str, Any]


def finished(
    answers: FormAnswers,
    chosen: list[str],
    *,
    permanent: bool,
    end: str,
    reason: str,
    comment: str,
) -> Finished:
    ask: dict[str, Any] = {
        "kind": "grant",
        "access_like": answers.like,
        "duration": "permanent" if permanent else f"until {end}",
        "reason": " — ".join(p for p in (reason, comment) if p) or None,
    }
    picks: dict[str, Any] = {"identities": dict(answers.accounts)}
    if answers.like == "custom":
        ask["entitlements"] = list(chosen)
        picks["entitlements"] = list(chosen)
    else:
        ask["reference"] = answers.ref
        picks["reference"] = answers.ref
        if answers.all_:
            ask["select_all"] = True
        else:
            picks["entitlements"] = list(chosen)
    like = LIKE_WORDS[answers.like].format(answers.ref_label or f"{len(chosen)} grants")
    how_long = "permanent" if permanent else f"until {end}"
    words = f"(form) {like}, {how_long}" + (f", {reason}" if reason else "")
    return Finished(words=words, ask=ask, picks=picks)


# --- reading a submitted view ----------------------------------------------------------
def view_values(view: dict[str, Any]) -> dict[str, Any]:
    return dict((view.get("state") or {}).get("values") or {})


def view_element(view: dict[str, Any], block: str, action: str | None = None) -> dict[str, Any]:
    return dict((view_values(view).get(block) or {}).get(action or block) or {})


def picked(view: dict[str, Any], action: Action) -> dict[str, Any]:
    return dict(view_element(view, action).get("selected_option") or {})


def picked_many(view: dict[str, Any], action: Action) -> list[str]:
    chosen = view_element(view, action).get("selected_options") or []
    return [str(o.get("value")) for o in chosen if o.get("value")]


def option_label(opt: dict[str, Any]) -> str:
    return str((opt.get("text") or {}).get("text") or "")


# --- the handlers --------------------------------------------------------------------------
