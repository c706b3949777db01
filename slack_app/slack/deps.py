"""What every Slack listener needs, built once per app: `build_deps(runtime, runner, client)`."""

from __future__ import annotations

import asyncio
from collections import defaultdict
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

from slack_sdk.web.async_client import AsyncWebClient

from agent.runner import AgentRunner
from slack_app.bootstrap import Runtime
from slack_app.settings import Settings
from slack_app.slack.metrics import Metrics
from slack_app.slack.records import MessageRef
from slack_app.slack.users import UserMap


def make_client(settings: Settings) -> AsyncWebClient:
    """The real Web API client; retries live in `slack.retry` only, so none here."""
    return AsyncWebClient(
        token=settings.slack_bot_token, base_url=settings.slack_api_url, retry_handlers=[]
    )


@dataclass
class SlackDeps:
    runtime: Runtime
    runner: AgentRunner
    client: AsyncWebClient
    users: UserMap
    metrics: Metrics = field(default_factory=Metrics)
    turns: ThreadPoolExecutor = field(
        default_factory=lambda: ThreadPoolExecutor(thread_name_prefix="agent-turn")
    )  # agent turns wait on the model: their own threads, not the store's
    cards: dict[str, MessageRef] = field(default_factory=dict)  # thread -> its live card
    _locks: defaultdict[str, asyncio.Lock] = field(
        default_factory=lambda: defaultdict(asyncio.Lock)
    )

    def conversation_lock(self, thread: str) -> asyncio.Lock:
        """One turn at a time per conversation (in this process; the graph is not reentrant)."""
        return self._locks[thread]


def build_deps(
    runtime: Runtime,
    runner: AgentRunner,
    client: AsyncWebClient | None = None,
    *,
    metrics: Metrics | None = None,
) -> SlackDeps:
    client = client or make_client(runtime.settings)
    return SlackDeps(
        runtime=runtime,
        runner=runner,
        client=client,
        users=UserMap(runtime, client),
        metrics=metrics or Metrics(),
        turns=ThreadPoolExecutor(
            max_workers=runtime.settings.agent_workers, thread_name_prefix="agent-turn"
        ),
    )
