"""`python -m bench.slow_model --port P [--delay 2] [--worker]`: `access-agent serve`
(or, with --worker, `access-agent worker`) with a slow model.

What `access-agent serve` does (settings from the environment, the runtime, the app
from `create_app`, uvicorn at the settings' log level), except that the runner is
passed to `create_app(settings, runtime=..., runner=...)`: it is `build_runner`'s graph
with the configured model (`make_model`) wrapped in `SlowModel`, which sleeps DELAY
seconds in every `understand` call before answering. No product code changes: the
runner is the seam `create_app` already accepts.
"""

from __future__ import annotations

import argparse
import logging
import time

from agent.ask import Understanding
from agent.checkpoint import make_checkpointer
from agent.deps import AgentDeps
from agent.graph import build_graph
from agent.models.port import Model, ModelContext, Turn
from agent.runner import AgentRunner
from slack_app.agent_wiring import make_model
from slack_app.bootstrap import Runtime, build_runtime
from slack_app.services.requests import StorePending
from slack_app.settings import Settings

log = logging.getLogger(__name__)


class SlowModel:
    """Another model, `delay` seconds slower per call (a stand-in for a remote LLM)."""

    def __init__(self, inner: Model, delay: float) -> None:
        self.inner = inner
        self.delay = delay
        self.name = f"slow-{inner.name}"

    def understand(self, turns: list[Turn], ctx: ModelContext) -> Understanding:
        time.sleep(self.delay)
        return self.inner.understand(turns, ctx)


def slow_runner(runtime: Runtime, delay: float) -> AgentRunner:
    """`agent_wiring.build_runner`, with the model wrapped in `SlowModel`."""
    deps = AgentDeps(
        model=SlowModel(make_model(runtime.settings, runtime), delay),
        directory=runtime.directory,
        clock=runtime.clock,
        pending=lambda: StorePending(runtime),
    )
    saver = make_checkpointer(runtime.settings.database_url)
    graph = build_graph(deps, checkpointer=saver)
    return AgentRunner(graph, max_chars=runtime.settings.max_message_chars)


async def work(settings: Settings, delay: float) -> None:
    """`access-agent worker`, with the slow model: until SIGTERM."""
    import asyncio
    import signal

    from slack_app.listeners.deps import build_deps
    from slack_app.web.server import build_worker

    runtime = build_runtime(settings)
    worker = build_worker(build_deps(runtime, slow_runner(runtime, delay)))
    stop = asyncio.Event()
    for sig in (signal.SIGINT, signal.SIGTERM):
        asyncio.get_running_loop().add_signal_handler(sig, stop.set)
    log.warning("worker with a model that takes %.1f s per call", delay)
    await worker.run(stop)


def main() -> int:
    import uvicorn

    from slack_app.web.server import create_app

    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=3000)
    parser.add_argument("--delay", type=float, default=2.0, help="seconds per model call")
    parser.add_argument("--worker", action="store_true", help="be the worker, not the server")
    args = parser.parse_args()
    logging.basicConfig(
        level=logging.WARNING, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    settings = Settings()
    if not (settings.slack_bot_token and settings.slack_signing_secret):
        raise SystemExit("SLACK_BOT_TOKEN and SLACK_SIGNING_SECRET are needed")
    logging.getLogger().setLevel(settings.log_level)
    if args.worker:
        import asyncio

        asyncio.run(work(settings, args.delay))
        return 0
    runtime = build_runtime(settings)
    app = create_app(settings, runtime=runtime, runner=slow_runner(runtime, args.delay))
    log.warning("serving with a model that takes %.1f s per call", args.delay)
    uvicorn.run(app, host=args.host, port=args.port, log_level=settings.log_level.lower())
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
