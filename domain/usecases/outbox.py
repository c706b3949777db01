"""The outbox worker's use cases: claim queued connector calls, make them, record what
the connector said, and let an owner retry one that failed.

A batch of rows is claimed in one transaction (a lease), their connectors are called
outside any transaction with each row's key (up to `concurrency` calls at once), and
the answers are recorded together in another transaction that settles each row only
if it is still queued (`domain.usecases.answers`). A crash between claim and call, or
between call and commit, leaves the row queued: when its lease runs out it is claimed
again and the connector called again with the same key, which the connector makes
harmless; only one answer per row is ever recorded. The retries of a transient
failure happen inside the call (`caller`, the edge's tenacity policy).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

from domain.errors import DomainError, NotAllowed
from domain.ids import key
from domain.model.directory import Directory
from domain.model.lifecycle import load, record, transition
from domain.model.requests import AccessRequest, ItemStatus, RequestItem, State
from domain.ports import (
    Clock,
    Connectors,
    Delivery,
    DeliveryStatus,
    FulfillmentResult,
    OutboxAction,
    Outcome,
    TransientConnectorError,
    UnitOfWork,
)
from domain.usecases.answers import (
    Delivered,
    item_of,
    record_answer,
    record_answers,
    still_wanted,
    takes_away,
)

__all__ = [
    "LEASE",
    "Call",
    "Caller",
    "Delivered",
    "call_once",
    "deliver",
    "deliver_due",
    "in_parallel",
    "record_answer",
    "retry",
]

LEASE = timedelta(minutes=5)  # longer than a call with all its retries

Call = Callable[[], FulfillmentResult]
Caller = Callable[[Call], FulfillmentResult]


def call_once(call: Call) -> FulfillmentResult:
    """No retries (tests); the edge passes its tenacity policy instead."""
    return call()


def deliver_due(
    *,
    uow: UnitOfWork,
    connectors: Connectors,
    clock: Clock,
    caller: Caller = call_once,
    limit: int = 50,
    lease: timedelta = LEASE,
    concurrency: int = 1,
) -> list[Delivered]:
    """Claim up to `limit` due rows, call their connectors (up to `concurrency` calls
    at once) and record the answers; what was recorded."""
    with uow:
        claimed = uow.outbox.claim(at=clock.now(), lease=lease, limit=limit)
        uow.commit()
    if not claimed:
        return []
    with uow:
        requests = {r.id: r for r in uow.requests.many({d.request_id for d in claimed})}
    calls = [_planned(requests, d, connectors, caller) for d in claimed]
    results = in_parallel(calls, concurrency)
    return record_answers(
        uow=uow, answers=list(zip(claimed, results, strict=True)), requests=requests, clock=clock
    )


def deliver(
    *,
    uow: UnitOfWork,
    delivery: Delivery,
    connectors: Connectors,
    clock: Clock,
    caller: Caller = call_once,
) -> Delivered | None:
    """Call the connector for one claimed row and record its answer (None: another
    worker recorded this row first)."""
    with uow:
        request = load(uow, delivery.request_id)
    result = _planned({request.id: request}, delivery, connectors, caller)()
    return record_answer(uow=uow, delivery=delivery, result=result, clock=clock)


def in_parallel(calls: Sequence[Call], concurrency: int) -> list[FulfillmentResult]:
    """Each call's answer, in order, made by up to `concurrency` threads (the store is
    only touched by the caller's thread). A connector whose client is not thread-safe
    serialises its own calls."""
    if concurrency <= 1 or len(calls) <= 1:
        return [call() for call in calls]
    with ThreadPoolExecutor(max_workers=min(concurrency, len(calls))) as pool:
        futures = [pool.submit(call) for call in calls]
        return [f.result() for f in futures]  # a crash in one is the batch's crash


def _planned(
    requests: Mapping[str, AccessRequest],
    delivery: Delivery,
    connectors: Connectors,
    caller: Caller,
) -> Call:
    request = requests.get(delivery.request_id)
    item = item_of(request, delivery) if request else None
    if request is None or item is None or not still_wanted(request, item, delivery):
        return lambda: FulfillmentResult(Outcome.DONE, "nothing left to do")
    return lambda: _call(connectors, request, item, delivery, caller)


def _call(
    connectors: Connectors,
    request: AccessRequest,
    item: RequestItem,
    delivery: Delivery,
    caller: Caller,
) -> FulfillmentResult:
    connector = connectors.for_app(item.app_id)
    act = connector.grant if delivery.action is OutboxAction.GRANT else connector.revoke
    try:
        return caller(lambda: act(request, item, key=delivery.key))
    except TransientConnectorError as exc:
        return FulfillmentResult(Outcome.FAILED, f"{connector.name} unreachable: {exc}")
    except Exception as exc:  # a connector failure is an outcome, not a crash
        return FulfillmentResult(Outcome.FAILED, f"{type(exc).__name__}: {exc}")


def retry(
    *, uow: UnitOfWork, directory: Directory, delivery_id: int, actor: str, clock: Clock
) -> Delivery:
    """An owner of the app (or an admin) queues a failed row again: the same key, so a
    call the target did take after all is not made twice."""
    now = clock.now()
    with uow:
        delivery = uow.outbox.get(delivery_id)
        if delivery is None:
            raise DomainError(f"no delivery {delivery_id}", code="not_found")
        request = load(uow, delivery.request_id)
        item = item_of(request, delivery)
        if item is None or not _may_retry(directory, item, actor):
            raise NotAllowed(
                "only an owner of the app or an admin can retry", code="not_task_owner"
            )
        if delivery.status is not DeliveryStatus.FAILED or not uow.outbox.requeue(delivery_id, now):
            raise DomainError(
                "this call is not failed (any more)", code=f"already_{delivery.status.value}"
            )
        if not takes_away(request, delivery):
            if request.state is State.FAILED:
                transition(request, State.FULFILLING, at=now)
            item.status = ItemStatus.QUEUED
        record(
            uow,
            at=now,
            actor=actor,
            action="connector.retry",
            request=request,
            entitlement=delivery.entitlement_id,
            key=delivery.key,
        )
        uow.requests.save(request)
        uow.commit()
    return delivery


def _may_retry(directory: Directory, item: RequestItem, actor: str) -> bool:
    app = directory.app(item.app_id)
    person = directory.person(actor)
    owners = {key(o) for o in app.owners} if app else set()
    return person is not None and (person.admin or key(actor) in owners)
