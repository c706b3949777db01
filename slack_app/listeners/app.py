"""The Bolt app: every Slack surface registered on one AsyncApp.

AsyncApp, not App: the sync App serialised requests behind each other, and one slow
agent turn held up every ack. With `process_before_response=False` Bolt answers Slack
as soon as a listener calls ack(); the rest of the listener runs as an asyncio task,
and synchronous agent/domain work goes to worker threads.
"""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt.async_app import AsyncApp
from slack_sdk.web.async_client import AsyncWebClient

from slack_app.listeners import (
    alerts,
    approvals,
    card,
    choices,
    command,
    deliveries,
    extend,
    guided,
    home,
    messages,
    tasks,
    withdraw,
)
from slack_app.listeners.deps import SlackDeps

log = logging.getLogger(__name__)

SURFACES = (
    messages,
    command,
    card,
    choices,
    approvals,
    tasks,
    home,
    guided,
    withdraw,
    extend,
    deliveries,
    alerts,
)


def create_bolt_app(
    deps: SlackDeps, *, verify_requests: bool = True, process_before_response: bool = False
) -> AsyncApp:
    """`verify_requests=False` for Socket Mode, where Slack's socket is the authentication,
    and for the inbox worker (the front verified the event before storing it).
    `process_before_response=True` for the worker: dispatch returns when the work is done.
    Bolt's own client is tokenless: `deps.authorization` hands each request the token
    (listeners use `deps.client`)."""
    settings = deps.runtime.settings
    if verify_requests and not settings.slack_signing_secret:
        raise ValueError("SLACK_SIGNING_SECRET is needed to verify requests from Slack")
    app = AsyncApp(
        client=AsyncWebClient(base_url=deps.client.base_url, timeout=deps.client.timeout),
        authorize=deps.authorization,  # the token and who the bot is, asked once
        signing_secret=settings.slack_signing_secret or "",
        process_before_response=process_before_response,
        request_verification_enabled=verify_requests,
        logger=logging.getLogger("slack_app.listeners.bolt"),
    )

    @app.error
    async def on_error(error: Exception, body: dict[str, Any]) -> None:
        log.error("slack listener failed on %s: %r", body.get("type"), error, exc_info=error)

    for surface in SURFACES:
        surface.register(app, deps)
    return app
