"""The checkpoint store in a Slack process: pruned by the scheduler, measured for
/metrics and `doctor`.

Every `serve`, `socket` and `worker` process prunes on its scheduler's ticks, the first
at start-up (`agent.retention` says what goes). A conversation is deleted only while
this process holds its lease, the one `ConversationLock` takes for a turn, so no turn
in any process runs it meanwhile; a conversation whose lease is taken is left for the
next tick. The lease is held for one read and one delete, and lapses after HOLD should
this process die holding it. Two processes pruning at once is safe: each deletion is
under the lease, and trimming twice keeps the same latest checkpoint.
"""

from __future__ import annotations

import logging
import os
import socket
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from functools import partial

from agent.checkpoint_store import StoreSize, store_of
from agent.retention import PruneReport, Retention
from domain.ports import Clock, SystemClock
from slack_app.bootstrap import Runtime
from slack_app.listeners.deps import SlackDeps, lease_name
from slack_app.listeners.edge import blocking

log = logging.getLogger(__name__)

HOLD = timedelta(seconds=30)


@contextmanager
def leased(runtime: Runtime, thread: str) -> Iterator[bool]:
    """Whether this process now holds the conversation's lease (free again on exit)."""
    name = lease_name(thread)  # the one slack.deps.ConversationLock takes
    holder = f"prune:{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:12]}"
    now = datetime.now(UTC)  # wall time: leases are operational, not domain time
    with runtime.uow() as uow:
        held = uow.leases.acquire(name, holder, until=now + HOLD, at=now)
        uow.commit()
    try:
        yield held
    finally:
        if held:
            with runtime.uow() as uow:
                uow.leases.release(name, holder)
                uow.commit()


class Janitor:
    """Prunes this process's checkpoint store; remembers what it read between ticks."""

    def __init__(self, deps: SlackDeps, *, keep_idle: timedelta, clock: Clock | None = None):
        self.deps, self.keep_idle, self.clock = deps, keep_idle, clock or SystemClock()
        self._retention: Retention | None = None

    @property
    def retention(self) -> Retention:
        """Made on first use: a checkpointer it cannot prune fails a prune, not start-up."""
        if self._retention is None:
            graph = self.deps.runner.graph
            self._retention = Retention(graph, keep_idle=self.keep_idle, clock=self.clock)
        return self._retention

    async def prune(self) -> PruneReport:
        report = await blocking(self.retention.prune, partial(leased, self.deps.runtime))
        self.deps.metrics.checkpoints_pruned(report.deleted, report.trimmed)
        if report.deleted or report.trimmed or report.failed:
            log.info(
                "checkpoints: %d conversations deleted, %d old checkpoints trimmed, "
                "%d busy, %d failed",
                report.deleted,
                report.trimmed,
                report.busy,
                report.failed,
            )
        return report


def size(deps: SlackDeps) -> StoreSize:
    return store_of(deps.runner.graph.checkpointer).size()


def measure(deps: SlackDeps) -> None:
    """The store's size into the metrics' gauges (at each /metrics scrape); none when
    it cannot be read, so the rest of the metrics still answer."""
    metrics = deps.metrics
    try:
        stored = size(deps)
    except Exception as exc:
        log.warning("metrics: cannot measure the checkpoint store: %s", exc)
        metrics.checkpoint_bytes = metrics.checkpoint_threads = None
        return
    metrics.checkpoint_bytes, metrics.checkpoint_threads = stored.bytes, stored.threads
