"""What the inbox worker does with a job that failed: retry it soon, or give up at once.

Jobs of one conversation run one at a time and in order, so a job waiting for its
retry holds every later message of that conversation. Retrying everything five times
over seven minutes made a genuine DM wait twelve minutes behind one that could never
work. So failures are split by kind:

* transient: the database or the network was briefly away (SQLAlchemy's operational
  and interface errors, and psycopg's own from the PostgreSQL checkpointer's pool, a
  dropped connection, a timeout, Slack's 429/5xx after our own retries): the same
  job will likely work seconds later. It gets two quick
  retries, 2 s then 8 s, so its lane is held ~10 s at most beyond the attempts;
* anything else (a payload the code cannot read, a bug) fails the same way every
  time: a poison, given up on at once.

A job given up on is a dead letter: it stays in the inbox with its error (counted by
/metrics and `access-agent doctor`, purged with the done jobs), its lane moves on,
and the person who wrote is told at once. The "Thinking…" message an attempt posted
becomes the apology, so none is left behind. A job whose workers died every time they
ran it (claimed MAX_CLAIMS times, never settled) is a poison too: it would otherwise
take each new worker down with it.
"""

from __future__ import annotations

import asyncio
import json
from datetime import timedelta
from typing import Any

import aiohttp
from slack_sdk.web.async_client import AsyncWebClient

from domain.ports import Job, MessageAt
from domain.store.engine import unavailable
from slack_app.slackapi import replies, retry
from slack_app.worker.inbox_job import CLICK

APOLOGY = "Sorry, something went wrong reading that message; please try again."
CLICK_APOLOGY = "Sorry, something went wrong with that click; please try again."
QUICK_RETRIES = (timedelta(seconds=2), timedelta(seconds=8))
MAX_ATTEMPTS = len(QUICK_RETRIES) + 1
MAX_CLAIMS = 5


def transient(error: BaseException | None) -> bool:
    """Worth a quick retry: the store or the network was away, not the job wrong."""
    if unavailable(error):
        return True
    if isinstance(error, aiohttp.ClientError | asyncio.TimeoutError | ConnectionError):
        return True
    return error is not None and retry.transient(error)


def retry_in(job: Job, error: BaseException | None) -> timedelta | None:
    """When to try `job` again after this attempt failed with `error`; None: give up."""
    if transient(error) and job.attempts < MAX_ATTEMPTS:
        return QUICK_RETRIES[job.attempts - 1]
    return None


def dm_channel(job: Job) -> str | None:
    """The DM a person wrote the job's message in, or the clicker's user id (a DM to
    them) for a click; None for any other event, or a payload too broken to tell: whom
    to apologise to."""
    try:
        payload: Any = json.loads(job.payload)
    except ValueError:
        return None
    if isinstance(payload, dict) and payload.get("type") == "block_actions":
        user = (payload.get("user") or {}).get("id")
        return user if isinstance(user, str) and user else None
    event = payload.get("event") if isinstance(payload, dict) else None
    if not isinstance(event, dict) or event.get("type") != "message":
        return None
    if event.get("channel_type") != "im" or event.get("subtype") or event.get("bot_id"):
        return None
    channel, user = event.get("channel"), event.get("user")
    ok = isinstance(channel, str) and channel and isinstance(user, str) and user
    return channel if ok else None


async def apologize(client: AsyncWebClient, job: Job, reply: MessageAt | None) -> None:
    """Tell the person their message or click failed: in place of its "Thinking…", or anew."""
    apology = replies.text(CLICK_APOLOGY if job.kind == CLICK else APOLOGY)
    if reply is not None:
        await retry.notify(client.chat_update, channel=reply.channel, ts=reply.ts, **apology)
    elif (channel := dm_channel(job)) is not None:
        await retry.notify(client.chat_postMessage, channel=channel, **apology)
