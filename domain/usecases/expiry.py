"""Temporary access ends on time; granted access can be revoked early.

`expire_due` is what the scheduler runs every minute. It reads due requests from the
store, not from memory, so expiry survives restarts and a missed tick catches up.
Each request expires in its own transaction; a connector failure (an answer or an
exception) is audited and retried on the next tick instead of being lost, and does
not hold up the other requests. A request another replica expired since the list was
read is skipped.
"""

from __future__ import annotations

from datetime import datetime

from domain.errors import ConcurrentUpdate, InvalidTransition, NotAllowed
from domain.ids import key
from domain.model.directory import Directory
from domain.model.lifecycle import load, record, transition
from domain.model.requests import AccessRequest, ItemStatus, RequestItem, State
from domain.ports import Clock, Connectors, FulfillmentResult, Outcome, UnitOfWork
from domain.usecases.fulfillment import SYSTEM


def expire_due(*, uow: UnitOfWork, connectors: Connectors, clock: Clock) -> list[AccessRequest]:
    now = clock.now()
    with uow:
        due = [r.id for r in uow.requests.due_for_expiry(now)]
    done = []
    for request_id in due:
        try:
            request = _take_away(
                uow=uow,
                request_id=request_id,
                connectors=connectors,
                now=now,
                actor=SYSTEM,
                target=State.EXPIRED,
            )
        except (InvalidTransition, ConcurrentUpdate):
            continue  # another process expired or revoked it since we read the list
        if request is not None and any(i.status is ItemStatus.REMOVED for i in request.items):
            done.append(request)  # one whose every item was extended ends without a notice
    return done


def revoke(
    *,
    uow: UnitOfWork,
    directory: Directory,
    request_id: str,
    actor: str,
    clock: Clock,
    connectors: Connectors,
    comment: str = "",
) -> AccessRequest | None:
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
        connectors=connectors,
        now=clock.now(),
        actor=actor,
        target=State.REVOKED,
        comment=comment,
    )


def _take_away(
    *,
    uow: UnitOfWork,
    request_id: str,
    connectors: Connectors,
    now: datetime,
    actor: str,
    target: State,
    comment: str = "",
) -> AccessRequest | None:
    with uow:
        request = load(uow, request_id)
        transition(request, target, at=now)  # raises unless fulfilled: no double expiry
        failures = []
        for item in request.items:
            if item.status is not ItemStatus.DONE:
                continue
            result = _revoke(connectors, request, item)
            if result.outcome is Outcome.FAILED:
                failures.append(f"{item.entitlement_id}: {result.message}")
                continue
            uow.org.remove_grant(item.identity_id, item.entitlement_id)
            item.status = ItemStatus.REMOVED
        if failures:
            uow.rollback()
            record(
                uow,
                at=now,
                actor=actor,
                action="revocation.failed",
                request=request,
                errors=failures,
            )
            uow.commit()
            return None
        uow.requests.save(request)
        record(
            uow,
            at=now,
            actor=actor,
            action=f"request.{target.value}",
            request=request,
            comment=comment or None,
        )
        uow.commit()
    return request


def _revoke(connectors: Connectors, request: AccessRequest, item: RequestItem) -> FulfillmentResult:
    try:
        return connectors.for_app(item.app_id).revoke(
            request, item, key=f"{request.id}:{item.entitlement_id}:revoke"
        )
    except Exception as exc:  # a connector failure is an outcome: audited, retried next tick
        return FulfillmentResult(Outcome.FAILED, f"{type(exc).__name__}: {exc}")


def _owns(directory: Directory, person_id: str, app_id: str) -> bool:
    app = directory.app(app_id)
    return app is not None and key(person_id) in {key(o) for o in app.owners}
