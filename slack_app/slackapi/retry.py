"""The one retry layer for Slack Web API calls (habit 7).

A call is retried on 429 (after the Retry-After Slack sends, capped), on a 5xx and
on connection errors; four attempts in all, then the error is re-raised. The Web API
client itself is built without retry handlers, so nothing retries twice.

`call` is for calls whose failure must stop the listener (posting the message that
is about to be updated). `notify` is for everything sent after a commit: it logs and
returns None when Slack stays unreachable, because a lost message must never change
a request's outcome.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from typing import Any

import aiohttp
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_slack_response import AsyncSlackResponse
from tenacity import (
    AsyncRetrying,
    RetryCallState,
    retry_if_exception,
    stop_after_attempt,
    wait_exponential,
)

log = logging.getLogger(__name__)

ATTEMPTS = 4
MAX_RETRY_AFTER = 30.0
_backoff = wait_exponential(multiplier=0.2, max=5)

WebMethod = Callable[..., Awaitable[AsyncSlackResponse]]


def _status(exc: BaseException) -> int | None:
    if isinstance(exc, SlackApiError):
        return int(exc.response.status_code)
    return None


def transient(exc: BaseException) -> bool:
    """Worth another try: rate limited, Slack's 5xx, or the network."""
    status = _status(exc)
    if status is not None:
        return status == 429 or status >= 500
    return isinstance(exc, aiohttp.ClientError | asyncio.TimeoutError | ConnectionError)


def retry_after(exc: BaseException | None) -> float | None:
    if not isinstance(exc, SlackApiError) or _status(exc) != 429:
        return None
    raw = exc.response.headers.get("Retry-After") or exc.response.headers.get("retry-after")
    try:
        return min(float(raw), MAX_RETRY_AFTER) if raw is not None else None
    except (TypeError, ValueError):
        return None


def _wait(state: RetryCallState) -> float:
    exc = state.outcome.exception() if state.outcome else None
    after = retry_after(exc)
    return after if after is not None else float(_backoff(state))


def _log_retry(state: RetryCallState, name: str) -> None:
    exc = state.outcome.exception() if state.outcome else None
    log.warning(
        "slack %s failed (attempt %d/%d): %s; retrying",
        name,
        state.attempt_number,
        ATTEMPTS,
        exc,
    )


def _name(method: WebMethod) -> str:
    return str(getattr(method, "__name__", "call"))


async def call(method: WebMethod, /, **kwargs: Any) -> AsyncSlackResponse:
    """`await call(client.chat_postMessage, channel=..., text=...)`, retried; raises at the end."""
    retrying = AsyncRetrying(
        retry=retry_if_exception(transient),
        stop=stop_after_attempt(ATTEMPTS),
        wait=_wait,
        before_sleep=lambda state: _log_retry(state, _name(method)),
        reraise=True,
    )
    async for attempt in retrying:
        with attempt:
            return await method(**kwargs)
    raise AssertionError("unreachable: tenacity re-raises the last error")


async def notify(method: WebMethod, /, **kwargs: Any) -> AsyncSlackResponse | None:
    """Like `call`, but a failure is logged and swallowed (messages after a commit)."""
    try:
        return await call(method, **kwargs)
    except Exception as exc:
        log.error("slack %s gave up: %s", _name(method), exc)
        return None
