"""Identity choice: the account a grant lands on (docs/specs/org-data.md).

One identity in the app: it is chosen. Several: the user picks (a hint naming one
picks it). None: "new" when the app can create accounts, otherwise unavailable.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from domain.ids import key
from domain.model.directory import Directory
from domain.model.requests import NEW_ACCOUNT


@dataclass(frozen=True)
class IdentityChoice:
    entitlement_id: str
    status: Literal["chosen", "choose", "new", "unavailable"]
    identity_id: str | None = None
    options: tuple[str, ...] = ()
    message: str = ""


def choose_identity(
    directory: Directory, beneficiary: str, entitlement_id: str, *, hints: tuple[str, ...] = ()
) -> IdentityChoice:
    app = directory.app_of[key(entitlement_id)]
    accounts = [i for i in directory.identities_in(beneficiary, app.id) if i.kind.value == "user"]
    if len(accounts) == 1:
        return IdentityChoice(entitlement_id, "chosen", accounts[0].id)
    if accounts:
        picked = _by_hint(accounts_ids := tuple(a.id for a in accounts), hints)
        if picked:
            return IdentityChoice(entitlement_id, "chosen", picked, accounts_ids)
        return IdentityChoice(
            entitlement_id,
            "choose",
            options=accounts_ids,
            message=f"which {app.name} account: " + ", ".join(accounts_ids),
        )
    if app.can_create_accounts:
        return IdentityChoice(
            entitlement_id, "new", NEW_ACCOUNT, message=f"a new {app.name} account"
        )
    return IdentityChoice(
        entitlement_id,
        "unavailable",
        message=f"no {app.name} account, and {app.name} cannot create one from a request: "
        f"ask its owners for an account first",
    )


def _by_hint(options: tuple[str, ...], hints: tuple[str, ...]) -> str | None:
    wanted = {key(h).split(":")[-1] for h in hints if h.strip()}
    matches = [o for o in options if key(o).split(":", 1)[1] in wanted]
    return matches[0] if len(matches) == 1 else None
