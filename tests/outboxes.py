"""Running the outbox in tests: what a worker would do right after a use case queued
connector calls (fulfilment, expiry, revoke)."""

from __future__ import annotations

from domain.connectors import ConnectorRegistry
from domain.model.lifecycle import load
from domain.model.requests import AccessRequest
from domain.ports import Clock, Connectors, UnitOfWork
from domain.usecases.expiry import expire_due
from domain.usecases.fulfillment import fulfill
from domain.usecases.outbox import Delivered, deliver_due


def drain(uow: UnitOfWork, clock: Clock, connectors: Connectors | None = None) -> list[Delivered]:
    """Deliver every due row (one worker, no retries)."""
    done: list[Delivered] = []
    while batch := deliver_due(uow=uow, connectors=connectors or ConnectorRegistry(), clock=clock):
        done.extend(batch)
    return done


def fulfil_now(
    uow: UnitOfWork, request_id: str, clock: Clock, connectors: Connectors | None = None
) -> AccessRequest:
    """Start fulfilment and let the worker run: the request as it then stands."""
    fulfill(uow=uow, request_id=request_id, clock=clock)
    drain(uow, clock, connectors)
    with uow:
        return load(uow, request_id)


def expire_now(
    uow: UnitOfWork, clock: Clock, connectors: Connectors | None = None
) -> list[AccessRequest]:
    """Expire what is due and let the worker revoke it."""
    expired = expire_due(uow=uow, clock=clock)
    drain(uow, clock, connectors)
    return expired
