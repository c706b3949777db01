"""Recording what a connector said about an outbox row: the row settled, the call
and its effect audited and applied to the request, in the caller's transaction.

A batch's answers are recorded in one transaction on the requests as read before the
calls (one audit-chain lock, one save per request). `settle` only takes a row that is
still queued, so an answer another worker recorded first is dropped, and `save`
compares versions, so a request changed while its call was out sends the batch back
to one transaction per answer on a fresh read.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

from domain.errors import ConcurrentUpdate
from domain.ids import key
from domain.model.lifecycle import load, record
from domain.model.requests import AccessRequest, ItemStatus, RequestItem, RequestKind
from domain.ports import (
    Clock,
    Delivery,
    FulfillmentResult,
    OutboxAction,
    Outcome,
    UnitOfWork,
)
from domain.usecases.fulfillment import SYSTEM, maybe_finish, settle_item

Removals = list[tuple[str, str]]  # (identity id, entitlement id) taken away, in order


@dataclass(frozen=True)
class Delivered:
    """A row whose answer this worker recorded, and the request as it now stands."""

    delivery: Delivery
    request: AccessRequest
    result: FulfillmentResult

    @property
    def failed(self) -> bool:
        return self.result.outcome is Outcome.FAILED


def item_of(request: AccessRequest, delivery: Delivery) -> RequestItem | None:
    wanted = key(delivery.entitlement_id)
    return next((i for i in request.items if key(i.entitlement_id) == wanted), None)


def still_wanted(request: AccessRequest, item: RequestItem, delivery: Delivery) -> bool:
    if takes_away(request, delivery):
        return item.status is ItemStatus.DONE
    return item.status is ItemStatus.QUEUED


def takes_away(request: AccessRequest, delivery: Delivery) -> bool:
    """A revoke of a granted request (at its end, or early), not a revoke request."""
    return delivery.action is OutboxAction.REVOKE and request.kind is not RequestKind.REVOKE


def record_answers(
    *,
    uow: UnitOfWork,
    answers: Sequence[tuple[Delivery, FulfillmentResult]],
    requests: Mapping[str, AccessRequest],
    clock: Clock,
) -> list[Delivered]:
    """The answers of a batch in one transaction, on the requests as read before the
    calls; if one of them changed since (`save` compares versions), the batch rolls
    back and each answer is recorded in a transaction of its own on a fresh read."""
    now = clock.now()
    removals: Removals = []
    try:
        with uow:
            done = [
                d
                for delivery, result in answers
                if (d := _recorded(uow, delivery, result, requests, now, removals)) is not None
            ]
            _flush(uow, removals)
            uow.requests.save_many(list({d.request.id: d.request for d in done}.values()))
            uow.commit()
        return done
    except ConcurrentUpdate:
        pass
    alone = []
    for delivery, result in answers:
        try:
            one = record_answer(uow=uow, delivery=delivery, result=result, clock=clock)
        except ConcurrentUpdate:
            continue  # still queued: called again with its key when its lease runs out
        if one is not None:
            alone.append(one)
    return alone


def record_answer(
    *, uow: UnitOfWork, delivery: Delivery, result: FulfillmentResult, clock: Clock
) -> Delivered | None:
    now = clock.now()
    with uow:
        request = load(uow, delivery.request_id)
        removals: Removals = []
        recorded = _recorded(uow, delivery, result, {request.id: request}, now, removals)
        _flush(uow, removals)
        if recorded is not None:
            uow.requests.save(request)
        uow.commit()
    return recorded


def _recorded(
    uow: UnitOfWork,
    delivery: Delivery,
    result: FulfillmentResult,
    requests: Mapping[str, AccessRequest],
    now: datetime,
    removals: Removals,
) -> Delivered | None:
    """Settle the row and apply its answer to its request, if the row is still queued
    (the caller saves the request and flushes `removals`)."""
    failed = result.outcome is Outcome.FAILED
    request = requests.get(delivery.request_id) or load(uow, delivery.request_id)
    if not uow.outbox.settle(
        delivery.id, now, error=(result.message or "failed") if failed else None
    ):
        return None
    record(
        uow,
        at=now,
        actor=SYSTEM,
        action=f"connector.{delivery.action.value}",
        request=request,
        entitlement=delivery.entitlement_id,
        key=delivery.key,
        outcome=result.outcome.value,
        message=result.message or None,
        attempt=delivery.attempts,
    )
    item = item_of(request, delivery)
    if item is not None and still_wanted(request, item, delivery):
        _apply(uow, request, item, delivery, result, now, removals)
    return Delivered(delivery, request, result)


def _apply(
    uow: UnitOfWork,
    request: AccessRequest,
    item: RequestItem,
    delivery: Delivery,
    result: FulfillmentResult,
    now: datetime,
    removals: Removals,
) -> None:
    if takes_away(request, delivery):
        _removed(uow, request, item, result, now, removals)
        return
    _flush(uow, removals)  # a grant after a removal of the same access must stay
    if result.outcome is Outcome.PENDING:
        item.status, item.note = ItemStatus.FULFILLING, result.message  # the owners' task
        return
    item.status = ItemStatus.FULFILLING
    settle_item(uow, request, item, result, now, hold=delivery.hold)
    maybe_finish(uow, request, now)


def _removed(
    uow: UnitOfWork,
    request: AccessRequest,
    item: RequestItem,
    result: FulfillmentResult,
    now: datetime,
    removals: Removals,
) -> None:
    """Access taken away in the app (or handed to its owners, for a manual app); a
    failure leaves the grant recorded as held, since it still is. The grant leaves
    the org data with the others of the batch (`_flush`)."""
    item.note = result.message
    if result.outcome is Outcome.FAILED:
        action, detail = "revocation.failed", {"message": result.message}
    else:
        removals.append((item.identity_id, item.entitlement_id))
        item.status = ItemStatus.REMOVED
        action, detail = "item.removed", {"identity": item.identity_id}
    record(
        uow,
        at=now,
        actor=SYSTEM,
        action=action,
        request=request,
        entitlement=item.entitlement_id,
        **detail,
    )


def _flush(uow: UnitOfWork, removals: Removals) -> None:
    """The grants taken away so far, out of the org data in one go."""
    if removals:
        uow.org.remove_grants(removals)
        removals.clear()
