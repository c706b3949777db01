"""Helpers every listener shares: who clicked, answering privately, DMs, blocking work.

Domain errors are translated here once into a private message to the person who
acted (an ephemeral in the channel they clicked in, else a DM).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from typing import Any, TypeVar

from agent.runner import thread_id
from domain.model.org import Person
from slack_app import logs
from slack_app.blocks.kit import Block
from slack_app.listeners.deps import SlackDeps
from slack_app.listeners.records import MessageRef
from slack_app.slackapi import retry
from slack_app.slackapi.users import NOT_FOUND

log = logging.getLogger(__name__)

T = TypeVar("T")


async def blocking(fn: Callable[..., T], /, *args: Any, **kwargs: Any) -> T:
    """Run synchronous agent / domain / store code off the event loop."""
    return await asyncio.to_thread(fn, *args, **kwargs)


async def agent_turn(deps: SlackDeps, fn: Callable[[], T]) -> T:
    """Run an agent turn (it waits on the model, seconds) on the turn threads, so the
    default threads stay free for the quick store work every click and event needs."""
    return await asyncio.get_running_loop().run_in_executor(deps.turns, logs.in_context(fn))


def conversation(team: str, channel: str) -> str:
    """The agent thread of a Slack conversation: one per team and DM channel."""
    return thread_id("slack", team, channel)


def team_of(body: dict[str, Any]) -> str:
    team = body.get("team_id") or (body.get("team") or {}).get("id")
    return str(team or (body.get("user") or {}).get("team_id") or "")


def user_of(body: dict[str, Any]) -> str:
    """The Slack user who clicked (interactivity) or typed (commands)."""
    user = body.get("user")
    return str(user.get("id", "") if isinstance(user, dict) else body.get("user_id", ""))


def channel_of(body: dict[str, Any]) -> str | None:
    channel = body.get("channel")
    if isinstance(channel, dict):
        return str(channel.get("id") or "") or None
    if isinstance(channel, str) and channel:
        return channel
    container = body.get("container") or {}
    return container.get("channel_id") or body.get("channel_id")


async def tell(deps: SlackDeps, body: dict[str, Any], text: str) -> None:
    """A private answer to whoever acted: ephemeral where they are, else a DM."""
    user, channel = user_of(body), channel_of(body)
    if channel:
        await retry.notify(deps.client.chat_postEphemeral, channel=channel, user=user, text=text)
    else:
        await retry.notify(deps.client.chat_postMessage, channel=user, text=text)


async def acting_person(deps: SlackDeps, body: dict[str, Any]) -> Person | None:
    """The person behind the Slack user in `body`; tells them when there is none."""
    person = await deps.users.person(user_of(body))
    if person is None:
        await tell(deps, body, NOT_FOUND)
    return person


async def dm(deps: SlackDeps, person_id: str, payload: Block) -> MessageRef | None:
    """Post `payload` in the bot's DM with a person; None when they cannot be reached."""
    slack_id = await deps.users.slack_id(person_id)
    if slack_id is None:
        log.warning("cannot DM %s: no Slack user", person_id)
        return None
    sent = await retry.notify(deps.client.chat_postMessage, channel=slack_id, **payload)
    if sent is None:
        return None
    return MessageRef(channel=str(sent["channel"]), ts=str(sent["ts"]), person=person_id)


async def update(deps: SlackDeps, ref: MessageRef, payload: Block) -> None:
    await retry.notify(deps.client.chat_update, channel=ref.channel, ts=ref.ts, **payload)
