"""The HTTP server: Slack's request URL, a health check and Prometheus metrics.

    app = create_app(Settings())            # uvicorn slack_app.server:main --factory

POST /slack/events takes events, slash commands, interactivity and options alike (one
request URL in the manifest). The signature is checked first (Slack's scheme, with a
5-minute window on the timestamp: 401 otherwise); a signed body that is not a Slack
payload is a 400 and a log line, never a 500. Events API callbacks are then put in
the durable inbox and answered 200 at once (`slack.inbox`); the worker — in this
process by default, or `access-agent worker` processes — does their work. Commands,
interactivity and options go to Bolt, which acks them before doing the work.
"""

from __future__ import annotations

import asyncio
import json
import logging
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any
from urllib.parse import parse_qsl

from fastapi import FastAPI, Request, Response
from fastapi.responses import JSONResponse, PlainTextResponse
from slack_bolt.adapter.fastapi.async_handler import AsyncSlackRequestHandler
from slack_sdk.signature import SignatureVerifier
from slack_sdk.web.async_client import AsyncWebClient
from sqlalchemy import text

from agent.runner import AgentRunner
from slack_app.bootstrap import Runtime, build_runtime
from slack_app.settings import Settings
from slack_app.slack import checkpoints, inbox, scheduler
from slack_app.slack.app import create_bolt_app
from slack_app.slack.deps import SlackDeps, build_deps
from slack_app.slack.metrics import Metrics

log = logging.getLogger(__name__)

EVENTS = "/slack/events"
ENDPOINTS = frozenset({EVENTS, "/healthz", "/metrics"})


def parse(body: bytes, content_type: str) -> tuple[dict[str, Any], str | None]:
    """The payload of a (signed) body, or why it is not a Slack payload."""
    try:
        raw = body.decode("utf-8")
        if "json" in content_type or raw.lstrip().startswith("{"):
            parsed: Any = json.loads(raw)
        else:
            form = dict(parse_qsl(raw, keep_blank_values=True))
            parsed = json.loads(form["payload"]) if "payload" in form else form
    except (UnicodeDecodeError, ValueError) as exc:
        return {}, f"{type(exc).__name__}: {exc}"
    if not isinstance(parsed, dict) or not parsed:
        return {}, "not a JSON object or form"
    return parsed, None


def create_app(
    settings: Settings,
    *,
    runtime: Runtime | None = None,
    runner: AgentRunner | None = None,
    client: AsyncWebClient | None = None,
    worker: bool | None = None,
) -> FastAPI:
    """`worker`: run the inbox worker in this process (default: settings.worker)."""
    runtime = runtime or build_runtime(settings)
    if runner is None:
        from slack_app.agent_wiring import build_runner

        runner = build_runner(runtime)
    deps = build_deps(runtime, runner, client)
    handler = AsyncSlackRequestHandler(create_bolt_app(deps))
    inline = settings.worker == "inline" if worker is None else worker
    events = build_worker(deps) if inline else None
    intake = inbox.Intake(runtime)
    verifier = SignatureVerifier(settings.slack_signing_secret or "")
    metrics = deps.metrics

    @asynccontextmanager
    async def lifespan(api: FastAPI) -> AsyncIterator[None]:
        stop = asyncio.Event()
        background = [
            *([asyncio.create_task(events.run(stop))] if events else []),
            *scheduler.start(deps, settings, stop),  # expiry and its notices
        ]
        try:
            yield
        finally:
            stop.set()
            await asyncio.gather(*background, return_exceptions=True)

    api = FastAPI(
        title="access-agent", docs_url=None, redoc_url=None, openapi_url=None, lifespan=lifespan
    )
    api.state.deps = deps
    api.state.worker = events
    api.add_middleware(AckTimer, metrics=metrics)

    @api.post(EVENTS)
    async def slack_events(request: Request) -> Response:
        body = await request.body()
        if not verifier.is_valid_request(body, dict(request.headers)):
            log.warning("rejected a request with a bad or stale Slack signature")
            return JSONResponse({"error": "invalid signature"}, status_code=401)
        payload, problem = parse(body, request.headers.get("content-type", ""))
        if problem is not None:
            log.warning("rejected a malformed Slack payload: %s", problem)
            return JSONResponse({"error": "malformed payload"}, status_code=400)
        if payload.get("type") == "event_callback":
            return await take_event(intake, events, payload, body.decode("utf-8"))
        return await handler.handle(request)

    @api.get("/healthz")
    def healthz() -> Response:
        try:
            with runtime.engine.connect() as conn:
                conn.execute(text("SELECT 1"))
        except Exception as exc:
            log.error("health check: database unreachable: %s", exc)
            return JSONResponse({"ok": False, "database": "unreachable"}, status_code=503)
        return JSONResponse({"ok": True, "database": "ok"})

    @api.get("/metrics")
    def prometheus() -> Response:
        try:
            with runtime.uow() as uow:
                metrics.inbox_waiting = uow.inbox.waiting(inbox.now())
                metrics.inbox_dead = uow.inbox.dead().count
        except Exception as exc:  # the rest of the metrics still help
            log.warning("metrics: cannot count the inbox: %s", exc)
            metrics.inbox_waiting = metrics.inbox_dead = None
        checkpoints.measure(deps)  # the checkpoint store's size gauges
        return PlainTextResponse(metrics.render(), media_type="text/plain; version=0.0.4")

    return api


async def take_event(
    intake: inbox.Intake, worker: inbox.InboxWorker | None, payload: dict[str, Any], body: str
) -> Response:
    """Into the inbox, then 200: the worker does the rest (see slack.inbox)."""
    key = inbox.event_key(payload, body)
    try:
        fresh = await intake.put(key, body, lane=inbox.event_lane(payload))
    except Exception as exc:  # Slack retries a 5xx: nothing is lost
        log.error("could not take in Slack event %s: %s", key, exc)
        return JSONResponse({"error": "try again"}, status_code=503)
    if not fresh:
        log.info("%s taken in before (a Slack retry): ignored", key)
    elif worker is not None:
        worker.wake()
    return Response(status_code=200)


def build_worker(deps: SlackDeps) -> inbox.InboxWorker:
    """The inbox worker: its own Bolt app, which finishes a listener before answering
    (so a job is done only when its work is), with no signature to check (the front
    checked it before the event was stored)."""
    bolt = create_bolt_app(deps, verify_requests=False, process_before_response=True)
    settings = deps.runtime.settings
    return inbox.InboxWorker(
        deps.runtime,
        bolt,
        concurrency=settings.agent_workers,
        poll=settings.worker_poll,
        metrics=deps.metrics,
    )


class AckTimer:
    """Counts requests and times the answers on /slack/events: plain ASGI, so it adds
    next to nothing to the ack it measures."""

    def __init__(self, app: Any, *, metrics: Metrics) -> None:
        self.app, self.metrics = app, metrics

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        status = {"code": 500}

        async def timed(message: Any) -> None:
            if message["type"] == "http.response.start":
                status["code"] = int(message["status"])
                if scope["path"] == EVENTS:
                    self.metrics.ack(time.perf_counter() - started)
            await send(message)

        try:
            await self.app(scope, receive, timed)
        finally:
            path = scope["path"]
            self.metrics.request(path if path in ENDPOINTS else "other", status["code"])


def main() -> FastAPI:
    """The uvicorn factory: settings from the environment."""
    return create_app(Settings())
