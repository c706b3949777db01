"""Temporary access ends on time; granted access can be revoked early.

`expire_due` is what the scheduler runs every minute. It reads due requests from the
store, not from memory, so expiry survives restarts and a missed tick catches up.
Each request expires in its own transaction, which also queues one outbox row per
granted item: the outbox worker revokes them (`domain.usecases.outbox`), retrying a
target that is down and telling the owners when it gives up, without holding up the
other requests. A request another replica expired since the list was read is skipped.
"""

from __future__ import annotations

from datetime import datetime

from domain.errors import ConcurrentUpdate, InvalidTransition, NotAllowed
from domain.ids import key
from domain.model.directory import Directory
from domain.model.lifecycle import load, record, transition
from domain.model.requests import AccessRequest, ItemStatus, RequestItem, State
from domain.ports import Clock, NewDelivery, OutboxAction, UnitOfWork
from domain.usecases.fulfillment import SYSTEM, delivery_key


def expire_due(*, uow: UnitOfWork, clock: Clock) -> list[AccessRequest]:
    now = clock.now()
    with uow:
        due = [r.id for r in uow.requests.due_for_expiry(now)]
    done = []
    for request_id in due:
        try:
            request = _take_away(
                uow=uow,
                request_id=request_id,
                now=now,
                actor=SYSTEM,
                target=State.EXPIRED,
            )
        except (InvalidTransition, ConcurrentUpdate):
            continue  # another process expired or revoked it since we read the list
        if any(i.status is ItemStatus.DONE for i in request.items):
            done.append(request)  # one whose every item was extended ends without a notice
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
        transition(request, target, at=now)  # raises unless fulfilled: no double expiry
        queue = [_revoke(request, i) for i in request.items if i.status is ItemStatus.DONE]
        uow.outbox.add(queue, now)
        uow.requests.save(request)
        record(
            uow,
            at=now,
            actor=actor,
            action=f"request.{target.value}",
            request=request,
            comment=comment or None,
            revokes=len(queue),
        )
        uow.commit()
    return request


def _revoke(request: AccessRequest, item: RequestItem) -> NewDelivery:
    revoke = OutboxAction.REVOKE
    ent = item.entitlement_id
    return NewDelivery(delivery_key(request.id, ent, revoke), request.id, ent, revoke)


def _owns(directory: Directory, person_id: str, app_id: str) -> bool:
    app = directory.app(app_id)
    return app is not None and key(person_id) in {key(o) for o in app.owners}
