"""Carrying out an approved request, and what its owners say about manual tasks.

`fulfill` moves the request to `fulfilling` and queues one outbox row per item in the
same transaction; the outbox worker (`domain.usecases.outbox`) then calls each item's
connector and records its answer. No connector is called here, so a crash leaves
either an approved request (`resume` finds it) or queued rows (the worker finds them),
never a call nobody remembers.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from domain.errors import DomainError, Duplicate, InvalidTransition, NotAllowed
from domain.ids import key
from domain.model.directory import Directory
from domain.model.extension import handed_over
from domain.model.lifecycle import load, record, transition
from domain.model.org import Identity
from domain.model.policy import fulfillers
from domain.model.requests import AccessRequest, ItemStatus, RequestItem, RequestKind, State
from domain.ports import (
    Clock,
    FulfillmentResult,
    NewDelivery,
    OutboxAction,
    Outcome,
    UnitOfWork,
)

SYSTEM = "system"


def fulfill(
    *,
    uow: UnitOfWork,
    request_id: str,
    clock: Clock,
    once: str | None = None,
) -> AccessRequest:
    """approved → fulfilling, with one outbox row per item, in one transaction.

    `once` (a resume's idempotency key) is claimed in that transaction, and then only an
    approved request is taken: two processes never both queue its items, and an attempt
    that fails before that commit leaves the key free for the next one (rule 6). An
    extension changes nothing in the target app: its items are done at once."""
    with uow:
        request = load(uow, request_id)
        if once is not None:
            _take(uow, request, once, clock.now())
        if request.state is State.APPROVED:
            _start(uow, request, clock.now())
            uow.commit()
    return request


def _start(uow: UnitOfWork, request: AccessRequest, now: datetime) -> None:
    transition(request, State.FULFILLING, at=now)
    record(uow, at=now, actor=SYSTEM, action="request.fulfilling", request=request)
    queue = []
    for item in request.active_items:
        if request.kind is RequestKind.EXTEND:
            item.status = ItemStatus.FULFILLING
            settle_item(uow, request, item, FulfillmentResult(Outcome.DONE, "end moved"), now)
        else:
            item.status = ItemStatus.QUEUED
            queue.append(_delivery(request, item))
    uow.outbox.add(queue, now)
    maybe_finish(uow, request, now)
    uow.requests.save(request)


def _delivery(request: AccessRequest, item: RequestItem) -> NewDelivery:
    action = OutboxAction.REVOKE if request.kind is RequestKind.REVOKE else OutboxAction.GRANT
    return NewDelivery(
        delivery_key(request.id, item.entitlement_id, action),
        request.id,
        item.entitlement_id,
        action,
        hold=hold_of(request),
    )


def delivery_key(request_id: str, entitlement_id: str, action: OutboxAction) -> str:
    """The connector's key: one effect of one request on one entitlement."""
    return f"{request_id}:{entitlement_id}:{action.value}"


def hold_of(request: AccessRequest) -> timedelta | None:
    """How long a temporary grant lasts: its end as asked, counted from submission. The
    clock starts again when the grant is provisioned (`provisioned`)."""
    if request.kind is not RequestKind.GRANT or request.end is None:
        return None
    return max(request.end - (request.submitted_at or request.created_at), timedelta(0))


def _take(uow: UnitOfWork, request: AccessRequest, once: str, now: datetime) -> None:
    if request.state is not State.APPROVED:
        raise InvalidTransition(
            f"request {request.id} is {request.state.value}, not approved",
            code=f"already_{request.state.value}",
        )
    if not uow.keys.claim(once, now):
        raise Duplicate(f"request {request.id} is being fulfilled already")


def complete_task(  # noqa: PLR0913 (ports + the item the owner closes, keyword-only)
    *,
    uow: UnitOfWork,
    directory: Directory,
    request_id: str,
    actor: str,
    clock: Clock,
    success: bool,
    note: str = "",
    username: str | None = None,
    entitlement_id: str | None = None,
) -> AccessRequest:
    """An app owner (or an admin) says a manual grant or removal was done, or failed.

    Without `entitlement_id` it closes every open item the actor may close: an owner of
    one app in a multi-app request closes that app's items, and the request finishes
    when the last owner has closed theirs."""
    now = clock.now()
    with uow:
        request = load(uow, request_id)
        if request.state is not State.FULFILLING:
            raise DomainError(
                f"request {request.id} is {request.state.value}, not fulfilling",
                code=f"already_{request.state.value}",
            )
        items = [
            i
            for i in request.active_items
            if i.status is ItemStatus.FULFILLING
            and (entitlement_id is None or key(i.entitlement_id) == key(entitlement_id))
        ]
        if not items:
            raise DomainError("no open task matches", code="no_task")
        if entitlement_id is None:
            mine = [i for i in items if _may_close(directory, request, i, actor)]
            items = mine or items[:1]  # none of them: the check below says why
        for item in items:
            _check_task_actor(directory, request, item, actor)
            outcome = Outcome.DONE if success else Outcome.FAILED
            ident = f"{item.app_id}:{username}" if username and item.new_account else None
            result = FulfillmentResult(outcome, note, ident)
            settle_item(uow, request, item, result, now, actor=actor, hold=_hold(uow, request))
        maybe_finish(uow, request, now)
        uow.requests.save(request)
        uow.commit()
    return request


def _hold(uow: UnitOfWork, request: AccessRequest) -> timedelta | None:
    """The length kept when the request was queued (its end may have moved since)."""
    return next((d.hold for d in uow.outbox.for_request(request.id) if d.hold), None)


def _may_close(directory: Directory, request: AccessRequest, item: RequestItem, actor: str) -> bool:
    """Those the task went to (`fulfillers`) and admins, never the requester or the
    beneficiary: nobody carries out, or marks done, their own grant."""
    if key(actor) in {key(request.requester), key(request.beneficiary)}:
        return False
    person = directory.person(actor)
    given = {key(p) for p in fulfillers(directory, request, item.app_id)}
    return person is not None and (person.admin or key(actor) in given)


def _check_task_actor(
    directory: Directory, request: AccessRequest, item: RequestItem, actor: str
) -> None:
    if key(actor) in {key(request.requester), key(request.beneficiary)}:
        raise NotAllowed("you can't close the task for your own access", code="own_task")
    if not _may_close(directory, request, item, actor):
        raise NotAllowed(
            "only an owner of the app or an admin can close this task", code="not_task_owner"
        )


def settle_item(
    uow: UnitOfWork,
    request: AccessRequest,
    item: RequestItem,
    result: FulfillmentResult,
    now: datetime,
    *,
    actor: str = SYSTEM,
    hold: timedelta | None = None,
) -> None:
    """Record a connector's (or an owner's) final answer for one item: the grant, the
    removal or the failure, audited."""
    item.note = result.message
    if result.outcome is Outcome.FAILED:
        item.status = ItemStatus.FAILED
        record(
            uow,
            at=now,
            actor=actor,
            action="item.failed",
            request=request,
            entitlement=item.entitlement_id,
            message=result.message,
        )
        return
    if request.kind is RequestKind.EXTEND:
        _extend(uow, request, item)
    elif request.kind is RequestKind.GRANT:
        identity_id = _ensure_identity(uow, request, item, result.identity_id)
        item.identity_id = identity_id
        item.status = ItemStatus.DONE
        provisioned(uow, request, now, hold)
    else:
        uow.org.remove_grant(item.identity_id, item.entitlement_id)
        item.status = ItemStatus.REMOVED
    record(
        uow,
        at=now,
        actor=actor,
        action="item.done",
        request=request,
        entitlement=item.entitlement_id,
        identity=item.identity_id,
    )


def provisioned(
    uow: UnitOfWork, request: AccessRequest, now: datetime, hold: timedelta | None
) -> None:
    """The access clock starts when a grant is provisioned: a temporary request's end
    becomes now + its length, and every grant it holds ends then (the last item
    provisioned sets the end of all, so they end together as the request does)."""
    if hold is not None and request.end is not None:
        request.end = max(request.end, now + hold)
    for done in request.active_items:
        if done.status is ItemStatus.DONE:
            uow.org.add_grant(done.identity_id, done.entitlement_id, request.end)


def _extend(uow: UnitOfWork, request: AccessRequest, item: RequestItem) -> None:
    """The grant's end moves to the extension's; the request that granted it lets go."""
    uow.org.remove_grant(item.identity_id, item.entitlement_id)
    uow.org.add_grant(item.identity_id, item.entitlement_id, request.end)
    item.status = ItemStatus.DONE
    one = request.model_copy(deep=True)
    one.items = [item]
    for earlier in handed_over(uow.requests.by_requester(request.beneficiary), one):
        uow.requests.save(earlier)


def _ensure_identity(
    uow: UnitOfWork, request: AccessRequest, item: RequestItem, given: str | None
) -> str:
    if not item.new_account:
        return item.identity_id
    username = (given or "").partition(":")[2] or request.beneficiary.split("@")[0]
    uow.org.add_identity(Identity(app=item.app_id, username=username, person=request.beneficiary))
    return f"{item.app_id}:{username}"


def maybe_finish(uow: UnitOfWork, request: AccessRequest, now: datetime) -> None:
    statuses = {i.status for i in request.active_items}
    if (
        statuses & {ItemStatus.QUEUED, ItemStatus.FULFILLING}
        or request.state is not State.FULFILLING
    ):
        return
    target = State.FAILED if ItemStatus.FAILED in statuses else State.FULFILLED
    transition(request, target, at=now)
    record(uow, at=now, actor=SYSTEM, action=f"request.{target.value}", request=request)


def resume(*, uow: UnitOfWork, clock: Clock) -> list[AccessRequest]:
    """After a restart: queue what was approved but never started."""
    with uow:
        waiting = [r.id for r in uow.requests.in_state(State.APPROVED.value)]
    return [fulfill(uow=uow, request_id=rid, clock=clock) for rid in waiting]
