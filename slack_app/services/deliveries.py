"""An app owner retries a connector call that failed (the Retry button)."""

from __future__ import annotations

from domain.model.lifecycle import load
from domain.model.requests import AccessRequest
from domain.ports import Delivery
from domain.usecases.outbox import Delivered, deliver_due, retry
from slack_app.bootstrap import Runtime


def retry_delivery(
    runtime: Runtime, delivery_id: int, *, actor: str
) -> tuple[Delivery, AccessRequest]:
    """Queue the failed call again (the domain checks the actor owns the app); the row
    and its request."""
    delivery = retry(
        uow=runtime.uow(),
        directory=runtime.directory(),
        delivery_id=delivery_id,
        actor=actor,
        clock=runtime.clock,
    )
    with runtime.uow() as uow:
        return delivery, load(uow, delivery.request_id)


def deliver_now(runtime: Runtime) -> list[Delivered]:
    """Make every due connector call in this process, now (the terminal chat, which
    runs no outbox worker, after an approval)."""
    done: list[Delivered] = []
    while batch := deliver_due(
        uow=runtime.uow(),
        connectors=runtime.connectors,
        clock=runtime.clock,
        concurrency=runtime.settings.outbox_concurrency,
    ):
        done.extend(batch)
    return done
