"""The request state machine: which transitions exist, and the audit line each leaves.

    draft → submitted → (approved | rejected | cancelled)
    approved → fulfilling | cancelled
    fulfilling → (fulfilled | failed)
    failed → fulfilling (an owner retries a connector that failed)
    fulfilled → (expired | revoked)

Use cases (`submission`, `decisions`, `fulfillment`) call `transition` inside one unit
of work, so the new state and its audit event commit together or not at all.
"""

from __future__ import annotations

from datetime import datetime

from domain.errors import InvalidTransition
from domain.model.requests import FINAL_STATES, AccessRequest, AuditEvent, State
from domain.ports import UnitOfWork

TRANSITIONS: dict[State, frozenset[State]] = {
    State.DRAFT: frozenset({State.SUBMITTED, State.CANCELLED}),
    State.SUBMITTED: frozenset({State.APPROVED, State.REJECTED, State.CANCELLED}),
    State.APPROVED: frozenset({State.FULFILLING, State.CANCELLED}),
    State.FULFILLING: frozenset({State.FULFILLED, State.FAILED}),
    State.FULFILLED: frozenset({State.EXPIRED, State.REVOKED}),
    State.FAILED: frozenset({State.FULFILLING}),
}

_STAMPS = {
    State.SUBMITTED: "submitted_at",
    State.APPROVED: "decided_at",
    State.REJECTED: "decided_at",
    State.FULFILLED: "fulfilled_at",
}


def can_transition(current: State, target: State) -> bool:
    return target in TRANSITIONS.get(current, frozenset())


def transition(request: AccessRequest, target: State, *, at: datetime) -> None:
    if not can_transition(request.state, target):
        raise InvalidTransition(
            f"request {request.id} is {request.state.value}; it cannot become {target.value}",
            code=f"already_{request.state.value}",
        )
    request.state = target
    request.updated_at = at
    stamp = _STAMPS.get(target)
    if stamp is not None:
        setattr(request, stamp, at)
    request.closed_at = at if target in FINAL_STATES else None


def record(
    uow: UnitOfWork,
    *,
    at: datetime,
    actor: str,
    action: str,
    request: AccessRequest | None = None,
    **data: object,
) -> None:
    """Append one audit event in the caller's unit of work."""
    uow.audit.append(
        AuditEvent(
            at=at,
            actor=actor,
            action=action,
            request_id=request.id if request else None,
            data={k: v for k, v in data.items() if v is not None},
        )
    )


def load(uow: UnitOfWork, request_id: str) -> AccessRequest:
    from domain.errors import NotFound

    request = uow.requests.get(request_id)
    if request is None:
        raise NotFound(f"no request {request_id}")
    return request
