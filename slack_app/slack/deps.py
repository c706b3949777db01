"""What every Slack listener needs, built once per app: `build_deps(runtime, runner, client)`."""

from __future__ import annotations

import asyncio
import os
import socket
import uuid
from collections import defaultdict
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from slack_sdk.web.async_client import AsyncWebClient

from agent.runner import AgentRunner
from slack_app.bootstrap import Runtime
from slack_app.settings import Settings
from slack_app.slack.authorization import BotAuthorization
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
    authorization: BotAuthorization = field(init=False)  # auth.test once for every Bolt app

    def __post_init__(self) -> None:
        self.authorization = BotAuthorization(self.client)

    def conversation_lock(self, thread: str) -> ConversationLock:
        """One turn at a time per conversation, in every process sharing the store (the
        agent's graph is not reentrant)."""
        return ConversationLock(self._locks[thread], self.runtime, thread)


class ConversationLock:
    """An asyncio lock for this process, then a lease in the store for the others (a
    second replica, an `access-agent worker`). A holder that dies frees the lease when
    it lapses, so waiting ends; a turn never takes anywhere near LEASE."""

    LEASE = timedelta(minutes=5)
    POLL = (0.02, 0.5)  # first and longest wait between tries, seconds

    def __init__(self, local: asyncio.Lock, runtime: Runtime, thread: str) -> None:
        self.local, self.runtime = local, runtime
        self.name = f"conversation:{thread}"
        self.holder = f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:12]}"

    async def __aenter__(self) -> None:
        await self.local.acquire()
        try:
            wait = self.POLL[0]
            while not await asyncio.to_thread(self._acquire):
                await asyncio.sleep(wait)
                wait = min(wait * 2, self.POLL[1])
        except BaseException:
            self.local.release()
            raise

    async def __aexit__(self, *exc: object) -> None:
        try:
            await asyncio.to_thread(self._release)
        finally:
            self.local.release()

    def _acquire(self) -> bool:
        now = datetime.now(UTC)  # wall time: leases are operational, not domain time
        with self.runtime.uow() as uow:
            got = uow.leases.acquire(self.name, self.holder, until=now + self.LEASE, at=now)
            uow.commit()
        return got

    def _release(self) -> None:
        with self.runtime.uow() as uow:
            uow.leases.release(self.name, self.holder)
            uow.commit()


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
