"""Extend on the "ends soon" notice: the grant's beneficiary or its requester starts
an extension conversation in the DM they clicked in.

The click carries only the request id and goes through the durable inbox like the
other buttons (`slack_app.worker.clicks`). Who may extend, and what, is decided by
`services.extension` against the stored request; the structured ask then goes to the
agent (`AgentRunner.start`), which asks until when and shows the extension card in
that DM, where the usual Submit sends it for approval. Nothing here submits anything.
"""

from __future__ import annotations

from typing import Any

from slack_bolt.async_app import AsyncAck, AsyncApp, AsyncBoltContext

from domain.errors import DomainError
from domain.model.org import Person
from slack_app.blocks.ids import Action
from slack_app.listeners.deps import SlackDeps
from slack_app.listeners.edge import (
    acting_person,
    blocking,
    channel_of,
    conversation,
    team_of,
    tell,
    user_of,
)
from slack_app.listeners.messages import converse_structured
from slack_app.services.extension import extension_start
from slack_app.slackapi import retry
from slack_app.worker.inbox_job import INBOX_JOB, JobRun


def register(app: AsyncApp, deps: SlackDeps) -> None:
    @app.action(Action.EXTEND)
    async def on_extend(
        ack: AsyncAck, body: dict[str, Any], action: dict[str, Any], context: AsyncBoltContext
    ) -> None:
        await ack()
        await clicked(deps, body, str(action.get("value") or ""), job=context.get(INBOX_JOB))


async def clicked(
    deps: SlackDeps, body: dict[str, Any], request_id: str, *, job: JobRun | None = None
) -> None:
    person = await acting_person(deps, body)
    if person is None:
        return
    try:
        start = await blocking(extension_start, deps.runtime, request_id, actor=person.id)
    except DomainError as exc:
        await tell(deps, body, exc.message)
        return
    channel = await _dm_channel(deps, body, person)
    if channel is None:
        return
    await converse_structured(
        deps,
        thread=conversation(team_of(body), channel),
        channel=channel,
        person_id=person.id,
        words=start.words,
        ask=start.ask,
        picks={},
        job=job,
    )


async def _dm_channel(deps: SlackDeps, body: dict[str, Any], person: Person) -> str | None:
    """The DM the notice was clicked in (it is always sent as a DM); opened anew if
    the click names no channel."""
    channel = channel_of(body)
    if channel:
        return channel
    opened = await retry.notify(deps.client.conversations_open, users=user_of(body))
    return str(opened["channel"]["id"]) if opened is not None else None
