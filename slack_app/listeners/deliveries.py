"""Retry on a failed connector call (the owners' DM from the outbox worker).

It goes through the durable click inbox (`slack.clicks`); the row's id in the button
is only a pointer: the domain re-checks that the clicker owns the app, and a row
that is not failed (any more) is refused, so a double click queues one call."""

from __future__ import annotations

from typing import Any

from slack_bolt.async_app import AsyncAck, AsyncApp

from domain.errors import DomainError
from slack_app.blocks.deliveries import retried
from slack_app.blocks.ids import Action, index
from slack_app.listeners.deps import SlackDeps
from slack_app.listeners.edge import acting_person, blocking, tell
from slack_app.services.deliveries import retry_delivery
from slack_app.slackapi import retry


def register(app: AsyncApp, deps: SlackDeps) -> None:
    @app.action(Action.RETRY_DELIVERY)
    async def on_retry(ack: AsyncAck, body: dict[str, Any], action: dict[str, Any]) -> None:
        await ack()
        await retry_clicked(deps, body, str(action.get("value") or ""))


async def retry_clicked(deps: SlackDeps, body: dict[str, Any], value: str) -> None:
    person = await acting_person(deps, body)
    row = index(value)
    if person is None or row is None:
        return
    try:
        delivery, request = await blocking(retry_delivery, deps.runtime, row, actor=person.id)
    except DomainError as exc:
        await tell(deps, body, exc.message)
        return
    directory = await blocking(deps.runtime.directory)
    container = body.get("container") or {}
    channel, ts = container.get("channel_id"), container.get("message_ts")
    if channel and ts:
        payload = retried(request, directory, delivery, by=person.id)
        await retry.notify(deps.client.chat_update, channel=channel, ts=ts, **payload)
