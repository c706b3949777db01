"""Alerts about leftover access, and the revoke request an alert's button opens.

`leftover_alerts` runs on the scheduler tick (so after each org import, whichever
process imported it): each terminated person who still holds access is alerted once
per cause (`Leftover.cause`: the person and what they hold), the key
`alert:leftover:<cause>` and the audit event `alert.leftover_access` written in one
transaction. Entitlements an open request already covers are left out, so a revoke
under way does not alert again.
"""

from __future__ import annotations

from domain.errors import DomainError, NotAllowed
from domain.ids import key
from domain.model.directory import Directory
from domain.model.leftovers import Leftover, leftover_of, terminated_holding
from domain.model.lifecycle import record
from domain.model.policy import check_revoke
from domain.model.requests import AccessRequest, RequestItem, RequestKind
from domain.ports import Clock, UnitOfWork
from domain.usecases.submission import Draft, submit

SYSTEM = "system"
COMMENT = "Leftover access of a terminated person (channel alert)"


def alert_key(leftover: Leftover) -> str:
    return f"alert:leftover:{leftover.cause}"


def leftover_alerts(*, uow: UnitOfWork, directory: Directory, clock: Clock) -> list[Leftover]:
    """Claim the alerts due now; the ones this process must post."""
    now = clock.now()
    fresh = []
    for found in terminated_holding(directory, now):
        with uow:
            pending = _pending(uow, found.person)
            leftover = leftover_of(directory, found.person, now, pending=pending)
            if leftover is None or not uow.keys.claim(alert_key(leftover), now):
                continue
            record(
                uow,
                at=now,
                actor=SYSTEM,
                action="alert.leftover_access",
                person=leftover.person,
                held=[f"{ident} {ent}" for ident, _, ent in leftover.held],
            )
            uow.commit()
        fresh.append(leftover)
    return fresh


def revoke_leftovers(
    *, uow: UnitOfWork, directory: Directory, person_id: str, actor: str, clock: Clock
) -> list[AccessRequest]:
    """Open a revoke request (its requester: `actor`) for what the terminated person
    still holds and no open request covers; the actor must be allowed to ask for it
    (`policy.check_revoke`: an admin, their last manager, or the apps' owner, who then
    asks for their own apps' part)."""
    now = clock.now()
    with uow:
        pending = _pending(uow, person_id)
    leftover = leftover_of(directory, person_id, now, pending=pending)
    if leftover is None:
        raise DomainError(
            "nothing left to remove: it is gone or an open request covers it",
            code="nothing_to_revoke",
        )
    items = _allowed_items(directory, leftover, actor)
    draft = Draft(
        kind=RequestKind.REVOKE,
        requester=actor,
        beneficiary=leftover.person,
        items=items,
        reason=_reason(directory),
        comment=COMMENT,
    )
    return submit(uow=uow, directory=directory, draft=draft, actor=actor, clock=clock)


def _allowed_items(directory: Directory, leftover: Leftover, actor: str) -> list[RequestItem]:
    items = leftover.items()
    apps = sorted({i.app_id for i in items})
    try:
        check_revoke(directory, actor, leftover.person, apps)
        return items
    except NotAllowed:
        owned = [a for a in apps if _may(directory, actor, leftover.person, a)]
        if not owned:
            raise
        return [i for i in items if i.app_id in owned]


def _may(directory: Directory, actor: str, person: str, app: str) -> bool:
    try:
        check_revoke(directory, actor, person, [app])
    except NotAllowed:
        return False
    return True


def _reason(directory: Directory) -> str:
    """An offboarding reason when the org has one, else "Other", else the last one."""
    reasons = directory.reasons
    for reason in reasons:
        if "offboard" in reason.lower():
            return reason
    return next((r for r in reasons if key(r) == "other"), reasons[-1])


def _pending(uow: UnitOfWork, person: str) -> set[str]:
    return {i.entitlement_id for r in uow.requests.open_for(person) for i in r.active_items}
