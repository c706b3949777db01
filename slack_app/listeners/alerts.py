"""The button on a leftover-access alert: the clicker opens a revoke request for a
terminated person's remaining access (`domain.usecases.alerts.revoke_leftovers`, which
checks they may ask for it). The approvers are asked as after any submission, the
alert says who opened which request and loses its button, and the clicker is told."""

from __future__ import annotations

from typing import Any

from slack_bolt.async_app import AsyncAck, AsyncApp

from domain.errors import DomainError
from domain.model.requests import AccessRequest
from domain.usecases.alerts import revoke_leftovers
from slack_app.blocks import facts
from slack_app.blocks.alerts import alert_answered
from slack_app.blocks.ids import Action
from slack_app.listeners.deps import SlackDeps
from slack_app.listeners.edge import acting_person, blocking, channel_of, tell
from slack_app.slackapi import notify, retry


def register(app: AsyncApp, deps: SlackDeps) -> None:
    @app.action(Action.REVOKE_LEFTOVERS)
    async def on_revoke(ack: AsyncAck, body: dict[str, Any], action: dict[str, Any]) -> None:
        await ack()
        await revoke(deps, body, str(action.get("value") or ""))


async def revoke(deps: SlackDeps, body: dict[str, Any], person_id: str) -> None:
    person = await acting_person(deps, body)
    if person is None:
        return
    runtime = deps.runtime
    directory = await blocking(runtime.directory)
    try:
        made = await blocking(
            revoke_leftovers,
            uow=runtime.uow(),
            directory=directory,
            person_id=person_id,
            actor=person.id,
            clock=runtime.clock,
        )
    except DomainError as exc:
        await tell(deps, body, f"No revoke request opened: {exc.message}")
        return
    await _answered(deps, body, made, by=person.id)
    for request in made:
        await notify.approvers(deps, request, directory)
    said = "; ".join(f"{r.id}, {facts.progress(directory, r)}" for r in made)
    await tell(deps, body, f"Revoke request opened: {said}.")


async def _answered(
    deps: SlackDeps, body: dict[str, Any], made: list[AccessRequest], *, by: str
) -> None:
    """The alert in the channel, redrawn without its button."""
    message = body.get("message") or {}
    channel, ts = channel_of(body), message.get("ts")
    if not channel or not ts:
        return
    directory = await blocking(deps.runtime.directory)
    payload = alert_answered(list(message.get("blocks") or []), made, directory, by=by)
    await retry.notify(deps.client.chat_update, channel=channel, ts=ts, **payload)
