"""Approvers' decisions: approve (optionally with changes) or reject the current step.

Only a person recorded as eligible for the current step may decide it, and never the
requester or the beneficiary. An approval also completes the rest of the step's run
(the following steps with the same approvers), except where four eyes forbids it
(`domain.model.foureyes`); a rejection rejects the request. A refused attempt is itself
audited, in its own transaction, so probing leaves a trace.

An edge that may deliver one click twice passes an `idempotency_key`: it is written in
the decision's own transaction, so a duplicate raises `Duplicate` and changes nothing,
while a refused attempt (rolled back) leaves the key free for the next, valid one.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime

from domain.errors import DomainError, Duplicate, InvalidTransition, NotAllowed
from domain.ids import key
from domain.model.foureyes import decides
from domain.model.lifecycle import load, record, transition
from domain.model.requests import AccessRequest, ApprovalStep, ItemStatus, State, StepStatus
from domain.ports import Clock, UnitOfWork


@dataclass(frozen=True)
class Changes:
    """What an approver may change while approving: a shorter end, fewer items."""

    end: datetime | None = None
    drop: Sequence[str] = field(default_factory=tuple)

    def __bool__(self) -> bool:
        return self.end is not None or bool(self.drop)


def approve(
    *,
    uow: UnitOfWork,
    request_id: str,
    approver: str,
    clock: Clock,
    comment: str = "",
    changes: Changes | None = None,
    idempotency_key: str | None = None,
) -> AccessRequest:
    return _decide(
        uow=uow,
        request_id=request_id,
        approver=approver,
        clock=clock,
        approved=True,
        comment=comment,
        changes=changes or Changes(),
        idempotency_key=idempotency_key,
    )


def reject(
    *,
    uow: UnitOfWork,
    request_id: str,
    approver: str,
    clock: Clock,
    comment: str = "",
    idempotency_key: str | None = None,
) -> AccessRequest:
    return _decide(
        uow=uow,
        request_id=request_id,
        approver=approver,
        clock=clock,
        approved=False,
        comment=comment,
        changes=Changes(),
        idempotency_key=idempotency_key,
    )


def eligible(request: AccessRequest, person_id: str) -> bool:
    step = request.current_step
    if step is None or request.state is not State.SUBMITTED:
        return False
    if key(person_id) in {key(request.requester), key(request.beneficiary)}:
        return False
    return key(person_id) in {key(a) for a in step.approvers}


def _decide(
    *,
    uow: UnitOfWork,
    request_id: str,
    approver: str,
    clock: Clock,
    approved: bool,
    comment: str,
    changes: Changes,
    idempotency_key: str | None,
) -> AccessRequest:
    now = clock.now()
    with uow:
        request = load(uow, request_id)
        step = request.current_step
        if request.state is not State.SUBMITTED or step is None:
            raise InvalidTransition(_already(request), code=f"already_{request.state.value}")
        if idempotency_key and not uow.keys.claim(idempotency_key, now):
            raise Duplicate(f"this decision on {request.id} was made already")
        if not eligible(request, approver):
            _refuse(uow, request, approver, now)
        steps = decides(request, approver) if approved else [step]
        if not steps:
            _refuse(uow, request, approver, now, four_eyes=True)
        _apply_changes(request, changes, now)
        _mark(request, steps, approver, now, approved=approved, comment=comment)
        uow.requests.save(request)
        action = "step.approved" if approved else "step.rejected"
        for decided in steps:
            record(
                uow,
                at=now,
                actor=approver,
                action=action,
                request=request,
                step=decided.index,
                comment=comment or None,
                changed_end=_iso(changes.end),
                dropped=list(changes.drop) or None,
            )
        if request.state in (State.APPROVED, State.REJECTED):
            record(
                uow,
                at=now,
                actor=approver,
                action=f"request.{request.state.value}",
                request=request,
            )
        uow.commit()
    return request


def _mark(
    request: AccessRequest,
    steps: list[ApprovalStep],
    approver: str,
    now: datetime,
    *,
    approved: bool,
    comment: str,
) -> None:
    """The decided steps, and the request's state once nothing is left to decide."""
    for step in steps:
        step.status = StepStatus.APPROVED if approved else StepStatus.REJECTED
        step.decided_by, step.decided_at, step.comment = approver, now, comment
    request.updated_at = now
    if not approved:
        transition(request, State.REJECTED, at=now)
    elif request.current_step is None:
        transition(request, State.APPROVED, at=now)


def _refuse(
    uow: UnitOfWork, request: AccessRequest, person: str, now: datetime, *, four_eyes: bool = False
) -> None:
    uow.rollback()
    record(
        uow,
        at=now,
        actor=person,
        action="decision.refused",
        request=request,
        step=request.current_step.index if request.current_step else None,
        reason="four_eyes" if four_eyes else None,
    )
    uow.commit()
    if four_eyes:
        raise NotAllowed(
            "four eyes: this request needs a second person's approval, so someone other "
            "than you approves this step",
            code="four_eyes",
        )
    raise NotAllowed("you are not an approver of this step", code="not_an_approver")


def _apply_changes(request: AccessRequest, changes: Changes, now: datetime) -> None:
    if changes.end is not None:
        if changes.end <= now:
            raise DomainError("the new end is in the past", code="end_in_past")
        if request.end is not None and changes.end > request.end:
            raise DomainError("an approver can shorten access, not extend it", code="end_extended")
        request.end = changes.end
    active = {key(i.entitlement_id): i for i in request.active_items}
    unknown = [d for d in changes.drop if key(d) not in active]
    if unknown:
        raise DomainError(f"not in this request: {', '.join(unknown)}", code="unknown_item")
    if changes.drop and len({key(d) for d in changes.drop}) >= len(active):
        raise DomainError("dropping every item is a rejection; reject instead", code="drop_all")
    for dropped in changes.drop:
        active[key(dropped)].status = ItemStatus.DROPPED


def _already(request: AccessRequest) -> str:
    decided = [s for s in request.steps if s.decided_by]
    if decided and request.state in (
        State.APPROVED,
        State.REJECTED,
        State.FULFILLING,
        State.FULFILLED,
    ):
        last = decided[-1]
        return f"request {request.id} was already {last.status.value} by {last.decided_by}"
    return f"request {request.id} is {request.state.value}; there is nothing to decide"


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value else None
