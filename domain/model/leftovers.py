"""Leftover access: people terminated in the org data whose accounts still hold grants.

An org import can mark someone terminated while their accounts in the applications
still hold access (the org data lists both). Each such person is one alert, named by
what they still hold, so the same leftovers are reported once and new ones again.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime

from domain.ids import key
from domain.model.directory import Directory
from domain.model.requests import RequestItem

Held = tuple[str, str, str]  # (identity id, app id, entitlement id)


@dataclass(frozen=True)
class Leftover:
    person: str
    held: tuple[Held, ...]

    @property
    def cause(self) -> str:
        """Names this alert: the person and exactly what they still hold."""
        digest = hashlib.sha256("\n".join(":".join(h) for h in self.held).encode()).hexdigest()
        return f"{key(self.person)}:{digest[:16]}"

    def items(self) -> list[RequestItem]:
        """One revoke item per grant still held."""
        return [RequestItem(entitlement_id=e, app_id=a, identity_id=i) for i, a, e in self.held]


def leftover_of(
    directory: Directory, person_id: str, at: datetime, *, pending: set[str] | None = None
) -> Leftover | None:
    """What a terminated person still holds at `at`, leaving out entitlements an open
    request already covers (`pending`); None for an active person or nothing held."""
    person = directory.person(person_id)
    if person is None or person.active:
        return None
    skip = {key(e) for e in pending or set()}
    held = sorted(
        (ident.id, ident.app, grant.entitlement)
        for ident in directory.identities_of.get(key(person.id), [])
        for grant in ident.grants
        if (grant.expires is None or grant.expires > at) and key(grant.entitlement) not in skip
    )
    return Leftover(person=person.id, held=tuple(held)) if held else None


def terminated_holding(directory: Directory, at: datetime) -> list[Leftover]:
    """Every terminated person who still holds access, in the org file's order."""
    found = (leftover_of(directory, p.id, at) for p in directory.data.people if not p.active)
    return [f for f in found if f is not None]
