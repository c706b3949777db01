"""The HTTP server: Slack's request URL, a health check, Prometheus metrics and, with a
token configured, the audit export (`slack_app.web.audit`).

    app = create_app(Settings())            # uvicorn slack_app.web.server:main --factory

POST /slack/events takes events, slash commands, interactivity and options alike (one
request URL in the manifest). A body over SLACK_MAX_BODY_BYTES is refused with 413
without being read; the signature is checked next (Slack's scheme, with a 5-minute
window on the timestamp: 401 otherwise, whatever the headers hold); a signed body
that is not a Slack payload of a kind the app handles, in its shape, is a 400 and a
log line, never a 500 (`slack.gate`, `slack.payloads`). Events API callbacks are then
put in the durable inbox and answered 200 at once (`slack.inbox`); the worker — in this
process by default, or `access-agent worker` processes — does their work. So are the
button clicks that open no modal (`slack.clicks`: Submit, Approve, Cancel, ...).
Commands, the other interactivity and options go to Bolt, which acks them before doing
the work.
"""

from __future__ import annotations

import asyncio
import json
import logging
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from fastapi import FastAPI, Request, Response
from fastapi.responses import JSONResponse, PlainTextResponse
from slack_bolt.adapter.starlette.async_handler import to_starlette_response
from slack_bolt.async_app import AsyncApp, AsyncBoltRequest
from slack_sdk.web.async_client import AsyncWebClient

from agent.runner import AgentRunner
from domain.ports import NewJob
from domain.store.engine import ping
from slack_app import logs
from slack_app.bootstrap import Runtime, build_runtime
from slack_app.listeners.app import create_bolt_app
from slack_app.listeners.deps import SlackDeps, build_deps
from slack_app.settings import Settings
from slack_app.web import audit, gate, payloads
from slack_app.web.metrics import Metrics
from slack_app.worker import checkpoints, clicks, inbox, scheduler

log = logging.getLogger(__name__)

EVENTS = "/slack/events"
ENDPOINTS = frozenset({EVENTS, "/healthz", "/metrics", audit.PATH})


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
    bolt = create_bolt_app(deps)
    inline = settings.worker == "inline" if worker is None else worker
    events = build_worker(deps) if inline else None
    intake = inbox.Intake(runtime)
    metrics = deps.metrics

    @asynccontextmanager
    async def lifespan(api: FastAPI) -> AsyncIterator[None]:
        stop = asyncio.Event()
        await deps.authorization.warm()  # auth.test once now, not once per early request
        background = [
            *([asyncio.create_task(events.run(stop))] if events else []),
            *scheduler.start(deps, settings, stop),  # expiry and its notices
        ]
        try:
            yield
        finally:
            stop.set()
            await asyncio.gather(*background, return_exceptions=True)
            deps.close()  # uvicorn's factory (`slack_app.web.server:main`) has no other exit

    api = FastAPI(
        title="access-agent", docs_url=None, redoc_url=None, openapi_url=None, lifespan=lifespan
    )
    api.state.deps = deps
    api.state.worker = events
    api.add_middleware(AckTimer, metrics=metrics)

    front = SlackFront(settings, bolt=bolt, intake=intake, worker=events)
    api.add_api_route(EVENTS, front.answer, methods=["POST"])

    @api.get("/healthz")
    def healthz() -> Response:
        try:
            ping(runtime.engine)
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

    audit.register(api, runtime)
    return api


class SlackFront:
    """POST /slack/events: a bounded body (413), Slack's signature (401), a payload of a
    kind the app handles in its shape (400), then the inbox (events) or Bolt."""

    def __init__(
        self,
        settings: Settings,
        *,
        bolt: AsyncApp,
        intake: inbox.Intake,
        worker: inbox.InboxWorker | None,
    ) -> None:
        self.secret = settings.slack_signing_secret or ""
        self.limit = settings.slack_max_body_bytes
        self.bolt, self.intake, self.worker = bolt, intake, worker

    async def answer(self, request: Request) -> Response:
        with logs.bound(http_request=logs.request_id()):
            checked = await self._checked(request)
        if isinstance(checked, Response):
            return checked
        return await self._route(checked, request)

    async def _checked(self, request: Request) -> payloads.Payload | Response:
        """The payload of a request that passed every check, or the 4xx it gets."""
        try:
            body = await gate.read_body(request, self.limit)
        except gate.TooLarge as exc:
            log.warning("rejected a request body too large for Slack: %s", exc)
            return JSONResponse({"error": "payload too large"}, status_code=413)
        refused = gate.refusal(self.secret, body, request.headers, now=time.time())
        if refused is not None:
            log.warning("rejected a request with a bad or stale Slack signature: %s", refused)
            return JSONResponse({"error": "invalid signature"}, status_code=401)
        try:
            return payloads.read(body, request.headers.get("content-type", ""))
        except payloads.Malformed as exc:
            log.warning("rejected a malformed Slack payload: %s", exc)
            return JSONResponse({"error": "malformed payload"}, status_code=400)

    async def _route(self, payload: payloads.Payload, request: Request) -> Response:
        with logs.bound(http_request=logs.request_id(), event=payload.data.get("event_id")):
            return await self._route_bound(payload, request)

    async def _route_bound(self, payload: payloads.Payload, request: Request) -> Response:
        if payload.kind == "event_callback":
            return await take_event(self.intake, self.worker, payload.data, payload.text)
        if clicks.durable(payload.data):
            return await take_click(self.intake, self.worker, payload.data)
        if payload.kind == "app_rate_limited":
            log.warning("Slack is holding back events: the app went over its rate limit")
            return Response(status_code=200)
        return await to_bolt(self.bolt, request, payload.text)


async def take_event(
    intake: inbox.Intake, worker: inbox.InboxWorker | None, payload: dict[str, Any], body: str
) -> Response:
    """Into the inbox, then 200: the worker does the rest (see slack.inbox)."""
    job = NewJob(inbox.event_key(payload, body), inbox.EVENT, body, inbox.event_lane(payload))
    return await take(intake, worker, job)


async def take_click(
    intake: inbox.Intake, worker: inbox.InboxWorker | None, payload: dict[str, Any]
) -> Response:
    """A click the worker does (see slack.clicks): stored as the payload's JSON, which the
    worker's Bolt app reads as it reads the form Slack posted."""
    body = json.dumps(payload)
    job = NewJob(clicks.click_key(payload), inbox.CLICK, body, clicks.click_lane(payload))
    return await take(intake, worker, job)


async def take(intake: inbox.Intake, worker: inbox.InboxWorker | None, job: NewJob) -> Response:
    with logs.bound(http_request=logs.request_id(job.key), job=job.key):
        log.info("taking in %s", job.kind)
        return await _take(intake, worker, job)


async def _take(intake: inbox.Intake, worker: inbox.InboxWorker | None, job: NewJob) -> Response:
    try:
        fresh = await intake.put(job.key, job.payload, lane=job.lane, kind=job.kind)
    except Exception as exc:  # Slack retries an event after a 5xx; a click is shown failed
        log.error("could not take in Slack payload %s: %s", job.key, exc)
        return JSONResponse({"error": "try again"}, status_code=503)
    if not fresh:
        log.info("%s taken in before (a Slack retry): ignored", job.key)
    elif worker is not None:
        worker.wake()
    return Response(status_code=200)


async def to_bolt(bolt: AsyncApp, request: Request, body: str) -> Response:
    """Bolt's FastAPI adapter would read the body again: hand it the one already read."""
    answer = await bolt.async_dispatch(
        AsyncBoltRequest(body=body, query=request.url.query, headers=dict(request.headers))
    )
    return to_starlette_response(answer)


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
