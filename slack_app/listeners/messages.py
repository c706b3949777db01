"""Direct messages to the bot: each is one turn of the conversation with the agent.

A "Thinking…" message is posted at once and then updated in place with the answer
(a clarification, the confirmation card or a refusal). Each event is handled once,
however often Slack delivers it: over HTTP and over Socket Mode alike, the inbox keys
it by `event_id` when it is taken in (`slack.inbox`, `slack.socket_intake`). Bot
messages, edits and other subtypes are ignored.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Mapping
from functools import partial
from typing import Any

from slack_bolt.async_app import AsyncApp, AsyncBoltContext
from slack_sdk.web.async_slack_response import AsyncSlackResponse

from agent.runner import Reply
from agent.state import Outcome
from domain.model.directory import Directory
from domain.ports import MessageAt
from slack_app import logs
from slack_app.blocks import card_items
from slack_app.listeners import current_card
from slack_app.listeners.deps import SlackDeps
from slack_app.listeners.edge import agent_turn, blocking, conversation, team_of, tell, update
from slack_app.listeners.records import MessageRef
from slack_app.slackapi import replies, retry
from slack_app.slackapi.users import NOT_FOUND
from slack_app.worker.inbox_job import INBOX_JOB, JobRun, remember_reply

log = logging.getLogger(__name__)


def is_user_dm(event: dict[str, Any]) -> bool:
    """A person's new message in a DM with the bot (not an edit, a join, or a bot)."""
    return (
        event.get("channel_type") == "im"
        and not event.get("subtype")
        and not event.get("bot_id")
        and bool(event.get("user"))
        and bool((event.get("text") or "").strip())
    )


# Slack sends a typed "<" as "&lt;", so markup never holds one: stopping at it keeps the
# search linear on text full of unclosed "<" (rule 7).
_LINK = re.compile(r"<([@#!]?)([^<>|]*)(?:\|([^<>]*))?>")


def words_of(text: str, directory: Directory) -> str:
    """Slack's message markup back into what the person typed: a mention of a known
    person becomes their name (`<@U01PRIYAR>` → "Priya Raman"), a link its label, and
    `&amp;`/`&lt;`/`&gt;` the characters themselves."""

    def plain(match: re.Match[str]) -> str:
        sigil, target, label = match.groups()
        if sigil == "@" and (person := directory.by_slack_id.get(target.upper())):
            return person.name
        return label or target

    unlinked = _LINK.sub(plain, text)
    return unlinked.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


def register(app: AsyncApp, deps: SlackDeps) -> None:
    @app.event("message")
    async def on_message(
        body: dict[str, Any], event: dict[str, Any], context: AsyncBoltContext
    ) -> None:
        if not is_user_dm(event):
            return
        run = context.get(INBOX_JOB)  # deduped by the inbox key when it was taken in
        person = await deps.users.person(str(event["user"]))
        channel = str(event["channel"])
        if person is None:
            await tell(deps, {"user": {"id": event["user"]}, "channel": channel}, NOT_FOUND)
            return
        thread = conversation(team_of(body), channel)
        text = words_of(str(event["text"]), await blocking(deps.runtime.directory))
        await converse(
            deps, thread=thread, channel=channel, person_id=person.id, text=text, job=run
        )


async def converse(
    deps: SlackDeps,
    *,
    thread: str,
    channel: str,
    person_id: str,
    text: str,
    job: JobRun | None = None,
) -> MessageRef | None:
    """One turn: "Thinking…" now, the agent's answer in its place when ready.

    A turn makes the conversation's previous card stale: it is retired (no buttons),
    and the new card, if any, becomes the only one Submit is accepted from. Run for an
    inbox `job`, the "Thinking…" an interrupted attempt of it posted is the one used.
    """
    turn = partial(deps.runner.send, thread, person_id, text)
    return await _turn(deps, thread=thread, channel=channel, person_id=person_id, run=turn, job=job)


async def converse_structured(
    deps: SlackDeps,
    *,
    thread: str,
    channel: str,
    person_id: str,
    words: str,
    ask: Mapping[str, Any],
    picks: dict[str, Any],
    job: JobRun | None = None,
) -> MessageRef | None:
    """A turn whose ask is already structured (the guided form, Extend on the "ends
    soon" notice): same answer, same card."""
    turn = partial(deps.runner.start, thread, person_id, words=words, ask=dict(ask), picks=picks)
    return await _turn(deps, thread=thread, channel=channel, person_id=person_id, run=turn, job=job)


async def _turn(
    deps: SlackDeps,
    *,
    thread: str,
    channel: str,
    person_id: str,
    run: Callable[[], Reply],
    job: JobRun | None = None,
) -> MessageRef | None:
    with logs.bound(conversation=thread):
        return await _turn_bound(deps, thread, channel, person_id, run, job)


async def _turn_bound(
    deps: SlackDeps,
    thread: str,
    channel: str,
    person_id: str,
    run: Callable[[], Reply],
    job: JobRun | None,
) -> MessageRef | None:
    posted = await _placeholder(deps, channel, person_id, job)
    async with deps.conversation_lock(thread):
        payload, kind = await _answer(deps, thread, person_id, run)
        log.info("turn answered")
        off: tuple[str, ...] = ()
        if kind is not Outcome.ANSWERED and replies.is_card(payload):
            # no change is silent: the requester's unticks stay on the card drawn again
            was = await blocking(current_card.unticked, deps.runtime, thread)
            off = card_items.untick(payload.get("blocks") or [], was)
        ref = posted
        if posted is None:  # the placeholder never made it: send the answer on its own
            sent = await retry.notify(deps.client.chat_postMessage, channel=channel, **payload)
            ref = _ref(sent, person_id)
        # a read-only answer leaves the open card (or question) open: its buttons stay
        previous = None
        if kind is not Outcome.ANSWERED:
            card = ref if ref is not None and replies.is_card(payload) else None
            previous = await blocking(current_card.show, deps.runtime, thread, card, off)
    if posted is not None and ref is not None:
        await retry.notify(deps.client.chat_update, channel=ref.channel, ts=ref.ts, **payload)
    if previous is not None and previous != ref:
        await update(deps, previous, current_card.note())
    return ref


async def _placeholder(
    deps: SlackDeps, channel: str, person_id: str, job: JobRun | None
) -> MessageRef | None:
    """ "Thinking…": the message an earlier attempt of the job posted, else a new one,
    remembered with the job before the turn starts (see `slack.inbox_job`)."""
    if job is not None and job.reply is not None:
        return MessageRef(job.reply.channel, job.reply.ts, person_id)
    sent = await retry.notify(deps.client.chat_postMessage, channel=channel, **replies.thinking())
    ref = _ref(sent, person_id)
    if job is not None and ref is not None:
        await blocking(remember_reply, deps.runtime, job, MessageAt(ref.channel, ref.ts))
    return ref


def _ref(sent: AsyncSlackResponse | None, person_id: str) -> MessageRef | None:
    if sent is None:
        return None
    return MessageRef(str(sent["channel"]), str(sent["ts"]), person_id)


async def _answer(
    deps: SlackDeps, thread: str, person_id: str, run: Callable[[], Reply]
) -> tuple[dict[str, Any], Outcome | None]:
    try:
        reply = await agent_turn(deps, run)
        directory = await blocking(deps.runtime.directory)
    except Exception:
        log.exception("agent turn failed in %s", thread)
        return replies.text(replies.FAILED), None
    if reply.kind is Outcome.WITHDRAW:
        return replies.text(await _withdraw(deps, person_id, reply)), reply.kind
    reasons = directory.reasons
    payload = replies.for_reply(reply, reasons=reasons, thread=thread, directory=directory)
    return payload, reply.kind


async def _withdraw(deps: SlackDeps, person_id: str, reply: Reply) -> str:
    """ "cancel my GitHub request": the agent found which; the domain withdraws it (only
    its requester may) and the approvers' messages say so."""
    from slack_app.listeners.withdraw import withdraw_for  # withdraw → home → guided → here

    said = [(await withdraw_for(deps, person_id, rid))[1] for rid in reply.withdraw]
    return "\n".join(said) or reply.text
