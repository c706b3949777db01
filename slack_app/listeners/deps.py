"""What every Slack listener needs, built once per app: `build_deps(runtime, runner, client)`."""

from __future__ import annotations

import asyncio
import logging
import os
import socket
import uuid
from collections import defaultdict
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime

from slack_sdk.web.async_client import AsyncWebClient

from agent.checkpoint import close_checkpointer
from agent.runner import AgentRunner
from slack_app.bootstrap import Runtime
from slack_app.listeners.authorization import BotAuthorization
from slack_app.settings import Settings
from slack_app.slackapi.users import UserMap
from slack_app.web.metrics import Metrics

log = logging.getLogger(__name__)


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
    _locks: defaultdict[str, asyncio.Lock] = field(
        default_factory=lambda: defaultdict(asyncio.Lock)
    )
    authorization: BotAuthorization = field(init=False)  # auth.test once for every Bolt app
    closed: bool = field(default=False, init=False)

    def __post_init__(self) -> None:
        self.authorization = BotAuthorization(self.client)

    def close(self) -> None:
        """At this process's exit: the checkpoint store's connections go back, and the
        metrics directory shared with other processes learns this one is gone. Once:
        the server's lifespan closes them and `serve`'s command makes sure of it."""
        if self.closed:
            return
        self.closed = True
        try:
            close_checkpointer(self.runner.graph.checkpointer)
        finally:
            self.metrics.close()

    def conversation_lock(self, thread: str) -> ConversationLock:
        """One turn at a time per conversation, in every process sharing the store (the
        agent's graph is not reentrant)."""
        return ConversationLock(self._locks[thread], self.runtime, thread)


def lease_name(thread: str) -> str:
    """The store lease a conversation's turn holds (`ConversationLock`), and that the
    checkpoint pruning takes before deleting it (`slack.checkpoints`)."""
    return f"conversation:{thread}"


class ConversationLock:
    """An asyncio lock for this process, then a lease in the store for the others (a
    second replica, an `access-agent worker`). The lease is short (settings.lease) and
    renewed every third of it while the turn runs, so a holder that dies (`kill -9`)
    frees it within one lease and the conversation's next turn goes on."""

    POLL = (0.02, 0.5)  # first and longest wait between tries, seconds

    def __init__(self, local: asyncio.Lock, runtime: Runtime, thread: str) -> None:
        self.local, self.runtime = local, runtime
        self.lease = runtime.settings.lease
        self.name = lease_name(thread)
        self.holder = f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:12]}"
        self._beat: asyncio.Task[None] | None = None

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
        self._beat = asyncio.create_task(self._heartbeat())

    async def __aexit__(self, *exc: object) -> None:
        if self._beat is not None:
            self._beat.cancel()
        try:
            await asyncio.to_thread(self._release)
        finally:
            self.local.release()

    async def _heartbeat(self) -> None:
        while True:
            await asyncio.sleep(self.lease.total_seconds() / 3)
            try:
                if not await asyncio.to_thread(self._acquire):
                    log.warning("%s: lease lost while a turn ran", self.name)
            except Exception as exc:  # the store was away: the next beat tries again
                log.warning("%s: heartbeat failed: %s", self.name, exc)

    def _acquire(self) -> bool:
        now = datetime.now(UTC)  # wall time: leases are operational, not domain time
        with self.runtime.uow() as uow:
            got = uow.leases.acquire(self.name, self.holder, until=now + self.lease, at=now)
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
        metrics=metrics or Metrics(multiproc_dir=runtime.settings.prometheus_multiproc_dir),
        turns=ThreadPoolExecutor(
            max_workers=runtime.settings.agent_workers, thread_name_prefix="agent-turn"
        ),
    )
