"""Carrying out an approved request, and taking temporary access away on time.

Connector calls happen between two transactions: the first moves the request to
`fulfilling`, the connector acts, the second records what it said. A crash in between
leaves the request `fulfilling`, where `resume` finds it again; connectors are asked
to be idempotent for that reason.
"""

from __future__ import annotations

from datetime import datetime
from typing import Protocol

from domain.errors import DomainError, Duplicate, InvalidTransition, NotAllowed
from domain.ids import key
from domain.model.directory import Directory
from domain.model.extension import handed_over
from domain.model.lifecycle import load, record, transition
from domain.model.org import Identity
from domain.model.requests import AccessRequest, ItemStatus, RequestItem, RequestKind, State
from domain.ports import Clock, Connectors, FulfillmentResult, Outcome, UnitOfWork

SYSTEM = "system"


def fulfill(
    *,
    uow: UnitOfWork,
    request_id: str,
    connectors: Connectors,
    clock: Clock,
    once: str | None = None,
) -> AccessRequest:
    """Start fulfillment of an approved request and record each connector's answer.

    `once` (a resume's idempotency key) is claimed in the transaction that moves the
    request to fulfilling, and then only an approved request is taken: two processes
    never both run its connectors, and an attempt that fails before that commit leaves
    the key free for the next one (rule 6)."""
    with uow:
        request = load(uow, request_id)
        if once is not None:
            _take(uow, request, once, clock.now())
        if request.state is State.APPROVED:
            transition(request, State.FULFILLING, at=clock.now())
            for item in request.active_items:
                item.status = ItemStatus.FULFILLING
            uow.requests.save(request)
            record(uow, at=clock.now(), actor=SYSTEM, action="request.fulfilling", request=request)
            uow.commit()
    if request.state is not State.FULFILLING:
        return request
    results = {}
    for item in request.active_items:
        if item.status is ItemStatus.FULFILLING and request.kind is RequestKind.EXTEND:
            results[item.entitlement_id] = FulfillmentResult(Outcome.DONE, "end moved")
        elif item.status is ItemStatus.FULFILLING:
            connector = connectors.for_app(item.app_id)
            act = connector.grant if request.kind is RequestKind.GRANT else connector.revoke
            results[item.entitlement_id] = _safe(act, request, item)
    return _record_results(uow=uow, request_id=request_id, results=results, clock=clock)


def _take(uow: UnitOfWork, request: AccessRequest, once: str, now: datetime) -> None:
    if request.state is not State.APPROVED:
        raise InvalidTransition(
            f"request {request.id} is {request.state.value}, not approved",
            code=f"already_{request.state.value}",
        )
    if not uow.keys.claim(once, now):
        raise Duplicate(f"request {request.id} is being fulfilled already")


def _safe(act: _Act, request: AccessRequest, item: RequestItem) -> FulfillmentResult:
    try:
        return act(request, item, key=f"{request.id}:{item.entitlement_id}:{act.__name__}")
    except Exception as exc:  # a connector failure is an outcome, not a crash
        return FulfillmentResult(Outcome.FAILED, f"{type(exc).__name__}: {exc}")


class _Act(Protocol):
    __name__: str

    def __call__(
        self, request: AccessRequest, item: RequestItem, *, key: str
    ) -> FulfillmentResult: ...


def _record_results(
    *, uow: UnitOfWork, request_id: str, results: dict[str, FulfillmentResult], clock: Clock
) -> AccessRequest:
    now = clock.now()
    with uow:
        request = load(uow, request_id)
        for item in request.active_items:
            result = results.get(item.entitlement_id)
            if result is not None and result.outcome is Outcome.PENDING:
                item.note = result.message  # what the owners are asked to do
            if result is None or result.outcome is Outcome.PENDING:
                continue
            _settle_item(uow, request, item, result, now)
        _maybe_finish(uow, request, now)
        uow.requests.save(request)
        uow.commit()
    return request


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
            mine = [i for i in items if _may_close(directory, i, actor)]
            items = mine or items[:1]  # none of them: the check below says why
        for item in items:
            _check_task_actor(directory, item, actor)
            outcome = Outcome.DONE if success else Outcome.FAILED
            ident = f"{item.app_id}:{username}" if username and item.new_account else None
            _settle_item(
                uow, request, item, FulfillmentResult(outcome, note, ident), now, actor=actor
            )
        _maybe_finish(uow, request, now)
        uow.requests.save(request)
        uow.commit()
    return request


def _may_close(directory: Directory, item: RequestItem, actor: str) -> bool:
    app = directory.app(item.app_id)
    person = directory.person(actor)
    owners = {key(o) for o in app.owners} if app else set()
    return person is not None and (person.admin or key(actor) in owners)


def _check_task_actor(directory: Directory, item: RequestItem, actor: str) -> None:
    if not _may_close(directory, item, actor):
        raise NotAllowed(
            "only an owner of the app or an admin can close this task", code="not_task_owner"
        )


def _settle_item(
    uow: UnitOfWork,
    request: AccessRequest,
    item: RequestItem,
    result: FulfillmentResult,
    now: datetime,
    *,
    actor: str = SYSTEM,
) -> None:
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
        uow.org.add_grant(identity_id, item.entitlement_id, request.end)
        item.identity_id = identity_id
        item.status = ItemStatus.DONE
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


def _maybe_finish(uow: UnitOfWork, request: AccessRequest, now: datetime) -> None:
    statuses = {i.status for i in request.active_items}
    if ItemStatus.FULFILLING in statuses or request.state is not State.FULFILLING:
        return
    target = State.FAILED if ItemStatus.FAILED in statuses else State.FULFILLED
    transition(request, target, at=now)
    record(uow, at=now, actor=SYSTEM, action=f"request.{target.value}", request=request)


def resume(*, uow: UnitOfWork, connectors: Connectors, clock: Clock) -> list[AccessRequest]:
    """After a restart: fulfill what was approved but never started."""
    with uow:
        waiting = [r.id for r in uow.requests.in_state(State.APPROVED.value)]
    return [fulfill(uow=uow, request_id=rid, connectors=connectors, clock=clock) for rid in waiting]
