"""`access-agent serve` (HTTP, behind a public URL) and `access-agent socket` (Socket Mode).

serve:  SLACK_BOT_TOKEN + SLACK_SIGNING_SECRET; Slack posts to https://HOST/slack/events.
socket: SLACK_BOT_TOKEN + SLACK_APP_TOKEN (xapp-…); no public URL needed (development,
        or behind a firewall). Both run the same listeners.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
from typing import TYPE_CHECKING

from slack_app.settings import Settings

if TYPE_CHECKING:
    from slack_bolt.adapter.socket_mode.async_handler import AsyncSocketModeHandler

    from agent.runner import AgentRunner
    from slack_app.bootstrap import Runtime
    from slack_app.listeners.deps import SlackDeps

log = logging.getLogger(__name__)


def register(commands: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    serve = commands.add_parser("serve", help="run the Slack app over HTTP (Events API)")
    serve.add_argument("--host", default="127.0.0.1", help="interface to bind (default 127.0.0.1)")
    serve.add_argument("--port", type=int, default=3000, help="port (default 3000)")
    serve.set_defaults(handler=cmd_serve)
    socket = commands.add_parser("socket", help="run the Slack app over Socket Mode")
    socket.set_defaults(handler=cmd_socket)
    worker = commands.add_parser(
        "worker", help="do the work of Slack events taken in by `serve` (ACCESS_AGENT_WORKER=off)"
    )
    worker.add_argument("--once", action="store_true", help="handle what is waiting now, then exit")
    worker.set_defaults(handler=cmd_worker)


def _require(settings: Settings, *names: str) -> None:
    missing = [n for n in names if not getattr(settings, n)]
    if missing:
        env = ", ".join(n.upper() for n in missing)
        raise ValueError(f"missing {env}: set it in the environment or .env")


def cmd_serve(args: argparse.Namespace, settings: Settings) -> int:
    import uvicorn

    from slack_app.web.server import create_app

    _require(settings, "slack_bot_token", "slack_signing_secret")
    logging.getLogger().setLevel(settings.log_level)
    app = create_app(settings)
    # log_config=None: uvicorn's own lines go through our JSON handler too
    try:
        uvicorn.run(
            app,
            host=args.host,
            port=args.port,
            log_level=settings.log_level.lower(),
            log_config=None,
        )
    finally:
        app.state.deps.close()
    return 0


def cmd_worker(args: argparse.Namespace, settings: Settings) -> int:
    _require(settings, "slack_bot_token")
    logging.getLogger().setLevel(settings.log_level)
    return asyncio.run(run_worker(settings, once=args.once))


async def run_worker(settings: Settings, *, once: bool = False) -> int:
    """The inbox worker on its own, with the scheduler beside it (both are safe to run
    in every process): until SIGINT/SIGTERM, or, with `once`, until what was waiting
    is done."""
    import signal

    from slack_app.web.server import build_worker
    from slack_app.worker import scheduler

    deps = socket_deps(settings)
    worker = build_worker(deps)
    try:
        if once:
            handled = await worker.run_once()
            log.warning("worker: handled %d waiting event(s)", handled)
            return 0
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(sig, stop.set)
        log.warning("worker: taking Slack events from the inbox (Ctrl-C to stop)")
        async with scheduler.running(deps, settings):
            await worker.run(stop)
        return 0
    finally:
        deps.close()


def cmd_socket(args: argparse.Namespace, settings: Settings) -> int:
    _require(settings, "slack_bot_token", "slack_app_token")
    logging.getLogger().setLevel(settings.log_level)
    asyncio.run(run_socket(settings))
    return 0


async def run_socket(settings: Settings) -> None:
    """The Socket Mode connection, and the scheduler (expiry) next to it."""
    from slack_app.worker import scheduler

    deps = socket_deps(settings)
    handler = socket_handler(settings, deps=deps)
    log.warning("connecting to Slack over Socket Mode")
    try:
        async with scheduler.running(deps, settings):
            try:
                await handler.start_async()  # type: ignore[no-untyped-call]
            finally:
                await handler.close_async()  # type: ignore[no-untyped-call]
    finally:
        deps.close()


def socket_deps(
    settings: Settings, *, runtime: Runtime | None = None, runner: AgentRunner | None = None
) -> SlackDeps:
    from slack_app.agent_wiring import build_runner
    from slack_app.bootstrap import build_runtime
    from slack_app.listeners.deps import build_deps

    runtime = runtime or build_runtime(settings)
    return build_deps(runtime, runner or build_runner(runtime))


def socket_handler(
    settings: Settings,
    *,
    runtime: Runtime | None = None,
    runner: AgentRunner | None = None,
    deps: SlackDeps | None = None,
) -> AsyncSocketModeHandler:
    """The Bolt app behind a Socket Mode connection, with the inbox in front of it and its
    worker in this process (`slack.socket_intake`; call inside a running event loop)."""
    from slack_app.listeners.app import create_bolt_app
    from slack_app.web.server import build_worker
    from slack_app.web.socket_intake import DurableSocketHandler
    from slack_app.worker.inbox import Intake

    deps = deps or socket_deps(settings, runtime=runtime, runner=runner)
    app = create_bolt_app(deps, verify_requests=False)
    intake = Intake(deps.runtime)
    worker = build_worker(deps)
    return DurableSocketHandler(app, settings.slack_app_token, intake=intake, worker=worker)
