"""Temporary access ends on time; granted access can be revoked early.

`expire_due` is what the scheduler runs every minute. It reads due requests from the
store, not from memory, so expiry survives restarts and a missed tick catches up.
Requests expire in batches (`BATCH` per transaction, as they were read), each with
one outbox row per granted item queued in the same transaction: the outbox worker
revokes them (`domain.usecases.outbox`), retrying a target that is down and telling
the owners when it gives up, without holding up the other requests. A batch holding
a request another replica expired or changed since the list was read rolls back and
goes again one request per transaction, skipping that one.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from domain.errors import ConcurrentUpdate, InvalidTransition, NotAllowed
from domain.ids import key
from domain.model.directory import Directory
from domain.model.lifecycle import load, record, transition
from domain.model.requests import AccessRequest, ItemStatus, RequestItem, State
from domain.ports import Clock, NewDelivery, OutboxAction, UnitOfWork
from domain.usecases.fulfillment import SYSTEM, delivery_key

BATCH = 200  # requests expired in one transaction: one audit-chain lock for them all


def expire_due(*, uow: UnitOfWork, clock: Clock, batch: int = BATCH) -> list[AccessRequest]:
    now = clock.now()
    with uow:
        due = uow.requests.due_for_expiry(now)
    done = []
    for start in range(0, len(due), batch):
        chunk = due[start : start + batch]
        expired = _expire_together(uow, chunk, now)
        if expired is None:
            expired = _expire_one_by_one(uow, [r.id for r in chunk], now)
        # one whose every item was extended ends without a notice
        done += [r for r in expired if any(i.status is ItemStatus.DONE for i in r.items)]
    return done


def _expire_together(
    uow: UnitOfWork, chunk: Sequence[AccessRequest], now: datetime
) -> Sequence[AccessRequest] | None:
    """All of `chunk` in one transaction, or none of it (None) when one of them moved
    on since it was read: `save` compares versions, so nothing is expired twice."""
    try:
        with uow:
            queue = [d for r in chunk for d in _end(uow, r, now, actor=SYSTEM)]
            uow.requests.save_many(chunk)
            uow.outbox.add(queue, now)
            uow.commit()
    except (InvalidTransition, ConcurrentUpdate):
        return None
    return chunk


def _expire_one_by_one(
    uow: UnitOfWork, request_ids: Sequence[str], now: datetime
) -> list[AccessRequest]:
    done = []
    for request_id in request_ids:
        try:
            done.append(
                _take_away(
                    uow=uow, request_id=request_id, now=now, actor=SYSTEM, target=State.EXPIRED
                )
            )
        except (InvalidTransition, ConcurrentUpdate):
            continue  # another process expired or revoked it since we read the list
    return done


def revoke(
    *,
    uow: UnitOfWork,
    directory: Directory,
    request_id: str,
    actor: str,
    clock: Clock,
    comment: str = "",
) -> AccessRequest:
    """An admin, an owner of every app involved, or the beneficiary giving access back."""
    with uow:
        request = load(uow, request_id)
    person = directory.person(actor)
    owners_all = all(_owns(directory, actor, i.app_id) for i in request.active_items)
    if person is None or not (person.admin or owners_all or key(actor) == key(request.beneficiary)):
        raise NotAllowed(
            "only an admin, the app owner or the beneficiary can revoke this",
            code="not_allowed_to_revoke",
        )
    return _take_away(
        uow=uow,
        request_id=request_id,
        now=clock.now(),
        actor=actor,
        target=State.REVOKED,
        comment=comment,
    )


def _take_away(
    *,
    uow: UnitOfWork,
    request_id: str,
    now: datetime,
    actor: str,
    target: State,
    comment: str = "",
) -> AccessRequest:
    """fulfilled → expired or revoked, with a revoke queued for each granted item."""
    with uow:
        request = load(uow, request_id)
        queue = _end(uow, request, now, actor=actor, target=target, comment=comment)
        uow.requests.save(request)
        uow.outbox.add(queue, now)
        uow.commit()
    return request


def _end(
    uow: UnitOfWork,
    request: AccessRequest,
    now: datetime,
    *,
    actor: str,
    target: State = State.EXPIRED,
    comment: str = "",
) -> list[NewDelivery]:
    """The transition, audited; the caller saves the request and queues the revokes."""
    transition(request, target, at=now)  # raises unless fulfilled: no double expiry
    queue = [_revoke(request, i) for i in request.items if i.status is ItemStatus.DONE]
    record(
        uow,
        at=now,
        actor=actor,
        action=f"request.{target.value}",
        request=request,
        comment=comment or None,
        revokes=len(queue),
    )
    return queue


def _revoke(request: AccessRequest, item: RequestItem) -> NewDelivery:
    revoke = OutboxAction.REVOKE
    ent = item.entitlement_id
    return NewDelivery(delivery_key(request.id, ent, revoke), request.id, ent, revoke)


def _owns(directory: Directory, person_id: str, app_id: str) -> bool:
    app = directory.app(app_id)
    return app is not None and key(person_id) in {key(o) for o in app.owners}
