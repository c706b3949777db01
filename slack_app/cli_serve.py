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

log = logging.getLogger(__name__)


def register(commands: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    serve = commands.add_parser("serve", help="run the Slack app over HTTP (Events API)")
    serve.add_argument("--host", default="127.0.0.1", help="interface to bind (default 127.0.0.1)")
    serve.add_argument("--port", type=int, default=3000, help="port (default 3000)")
    serve.set_defaults(handler=cmd_serve)
    socket = commands.add_parser("socket", help="run the Slack app over Socket Mode")
    socket.set_defaults(handler=cmd_socket)


def _require(settings: Settings, *names: str) -> None:
    missing = [n for n in names if not getattr(settings, n)]
    if missing:
        env = ", ".join(n.upper() for n in missing)
        raise ValueError(f"missing {env}: set it in the environment or .env")


def cmd_serve(args: argparse.Namespace, settings: Settings) -> int:
    import uvicorn

    from slack_app.server import create_app

    _require(settings, "slack_bot_token", "slack_signing_secret")
    logging.getLogger().setLevel(settings.log_level)
    app = create_app(settings)
    uvicorn.run(app, host=args.host, port=args.port, log_level=settings.log_level.lower())
    return 0


def cmd_socket(args: argparse.Namespace, settings: Settings) -> int:
    _require(settings, "slack_bot_token", "slack_app_token")
    logging.getLogger().setLevel(settings.log_level)
    asyncio.run(run_socket(settings))
    return 0


async def run_socket(settings: Settings) -> None:
    handler = socket_handler(settings)
    log.warning("connecting to Slack over Socket Mode")
    await handler.start_async()  # type: ignore[no-untyped-call]


def socket_handler(
    settings: Settings, *, runtime: Runtime | None = None, runner: AgentRunner | None = None
) -> AsyncSocketModeHandler:
    """The Bolt app behind a Socket Mode connection (call inside a running event loop)."""
    from slack_bolt.adapter.socket_mode.async_handler import AsyncSocketModeHandler

    from slack_app.agent_wiring import build_runner
    from slack_app.bootstrap import build_runtime
    from slack_app.slack.app import create_bolt_app
    from slack_app.slack.deps import build_deps

    runtime = runtime or build_runtime(settings)
    deps = build_deps(runtime, runner or build_runner(runtime))
    app = create_bolt_app(deps, verify_requests=False)
    return AsyncSocketModeHandler(app, settings.slack_app_token)
