"""The HTTP server: Slack's request URL, a health check and Prometheus metrics.

    app = create_app(Settings())            # uvicorn slack_app.server:main --factory

POST /slack/events takes events, slash commands, interactivity and options alike (one
request URL in the manifest). The signature is checked first (Slack's scheme, with a
5-minute window on the timestamp: 401 otherwise); a signed body that is not a Slack
payload is a 400 and a log line, never a 500; the rest goes to Bolt.
"""

from __future__ import annotations

import json
import logging
import time
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
from slack_app.slack.app import create_bolt_app
from slack_app.slack.deps import build_deps

log = logging.getLogger(__name__)

EVENTS = "/slack/events"
ENDPOINTS = frozenset({EVENTS, "/healthz", "/metrics"})


def malformed(body: bytes, content_type: str) -> str | None:
    """Why a (signed) body is not a Slack payload, or None when it parses."""
    try:
        raw = body.decode("utf-8")
        if "json" in content_type or raw.lstrip().startswith("{"):
            parsed: Any = json.loads(raw)
        else:
            form = dict(parse_qsl(raw, keep_blank_values=True))
            parsed = json.loads(form["payload"]) if "payload" in form else form
    except (UnicodeDecodeError, ValueError) as exc:
        return f"{type(exc).__name__}: {exc}"
    if not isinstance(parsed, dict) or not parsed:
        return "not a JSON object or form"
    return None


def create_app(
    settings: Settings,
    *,
    runtime: Runtime | None = None,
    runner: AgentRunner | None = None,
    client: AsyncWebClient | None = None,
) -> FastAPI:
    runtime = runtime or build_runtime(settings)
    if runner is None:
        from slack_app.agent_wiring import build_runner

        runner = build_runner(runtime)
    deps = build_deps(runtime, runner, client)
    handler = AsyncSlackRequestHandler(create_bolt_app(deps))
    verifier = SignatureVerifier(settings.slack_signing_secret or "")
    metrics = deps.metrics
    api = FastAPI(title="access-agent", docs_url=None, redoc_url=None, openapi_url=None)
    api.state.deps = deps

    @api.middleware("http")
    async def count(request: Request, call_next: Any) -> Response:
        started = time.perf_counter()
        response: Response = await call_next(request)
        path = request.url.path
        metrics.request(path if path in ENDPOINTS else "other", response.status_code)
        if request.url.path == EVENTS:
            metrics.ack(time.perf_counter() - started)
        return response

    @api.post(EVENTS)
    async def slack_events(request: Request) -> Response:
        body = await request.body()
        if not verifier.is_valid_request(body, dict(request.headers)):
            log.warning("rejected a request with a bad or stale Slack signature")
            return JSONResponse({"error": "invalid signature"}, status_code=401)
        problem = malformed(body, request.headers.get("content-type", ""))
        if problem is not None:
            log.warning("rejected a malformed Slack payload: %s", problem)
            return JSONResponse({"error": "malformed payload"}, status_code=400)
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
        return PlainTextResponse(metrics.render(), media_type="text/plain; version=0.0.4")

    return api


def main() -> FastAPI:
    """The uvicorn factory: settings from the environment."""
    return create_app(Settings())
