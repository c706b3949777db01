"""Slack events through the durable inbox: taken in and acked at once, done by a worker.

The HTTP front verifies an Events API callback, puts it in the store's inbox under
its `event_id` (Slack's retries dedupe there, across replicas) and answers 200: no
Bolt middleware, no model, no Slack call before the ack. Button clicks whose work
needs no modal go the same way, under the click's own key (`slack.clicks`).
`InboxWorker` claims jobs under a lease and runs each through a Bolt app that
processes before it answers, so a job is finished only when its listener is done. A
failed job is retried soon or given up on at once and the person told
(`slack.inbox_failures` says which and why).

Leases are short (`ACCESS_AGENT_LEASE_SECONDS`, 30 s) and renewed by a heartbeat every
third of a lease while the job runs, so a long turn keeps its job, and a worker that
died (`kill -9`, OOM) lets go of it within one lease: the restarted process, or
another worker, takes it over then. Each worker process claims under its own tokens;
nothing waits for a dead process beyond its lease.

The worker runs inside `serve` (inline, woken at once by the front) or on its own
(`access-agent worker`, polling), so agent turns need not share a CPU or an event
loop with the acks. At least once: a turn interrupted half-way runs again, and
updates the "Thinking…" message the interrupted one posted (`slack.inbox_job`).
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

from slack_bolt.async_app import AsyncApp

from domain.ports import Job, NewJob
from slack_app.bootstrap import Runtime
from slack_app.listeners.edge import blocking
from slack_app.web.metrics import Metrics
from slack_app.worker import inbox_job
from slack_app.worker.inbox_attempt import Attempts

log = logging.getLogger(__name__)

EVENT = "slack.event"
CLICK = inbox_job.CLICK  # a block_actions payload (`slack.clicks`), stored as its JSON
KEEP_DONE = timedelta(days=7)


def now() -> datetime:
    """Leases and retries are operational: wall time, whatever the domain clock says."""
    return datetime.now(UTC)


def event_key(payload: dict[str, Any], body: str) -> str:
    event_id = payload.get("event_id") or hashlib.sha256(body.encode()).hexdigest()[:32]
    return f"slack:event:{event_id}"


def event_lane(payload: dict[str, Any]) -> str | None:
    """Events of one conversation (a DM channel) are handled one at a time and in order,
    by whichever worker: the agent's conversation is not reentrant. Others run freely."""
    event = payload.get("event") or {}
    channel = event.get("channel")
    if event.get("type") == "message" and isinstance(channel, str) and channel:
        return f"slack:{payload.get('team_id') or ''}:{channel}"
    return None


class Intake:
    """Takes events in with group commit: the events that arrive while one write is
    under way go into the next transaction together. With SQLite (one writer) and 100
    events at once, a transaction each queued the acks behind each other; one per
    batch makes the burst a handful of commits. Each caller still learns whether its
    event was new, and gets the exception if its batch could not be stored."""

    def __init__(self, runtime: Runtime, *, max_batch: int = 200) -> None:
        self.runtime = runtime
        self.max_batch = max_batch
        self._pending: list[tuple[NewJob, asyncio.Future[bool]]] = []
        self._writer: asyncio.Task[None] | None = None

    async def put(self, key: str, body: str, *, lane: str | None = None, kind: str = EVENT) -> bool:
        done: asyncio.Future[bool] = asyncio.get_running_loop().create_future()
        self._pending.append((NewJob(key, kind, body, lane), done))
        if self._writer is None or self._writer.done():
            self._writer = asyncio.create_task(self._write_all())
        return await done

    async def _write_all(self) -> None:
        while self._pending:
            batch = self._pending[: self.max_batch]
            del self._pending[: self.max_batch]
            try:
                fresh = await blocking(self._write, [job for job, _ in batch])
            except Exception as exc:
                for _, done in batch:
                    if not done.done():
                        done.set_exception(exc)
                continue
            for (_, done), new in zip(batch, fresh, strict=True):
                if not done.done():
                    done.set_result(new)

    def _write(self, jobs: list[NewJob]) -> list[bool]:
        with self.runtime.uow() as uow:
            new = uow.inbox.put_many(jobs, now())
            uow.commit()
        fresh = []
        for job in jobs:  # a key twice in one batch: only the first is new
            fresh.append(job.key in new)
            new.discard(job.key)
        return fresh


class InboxWorker:
    def __init__(
        self,
        runtime: Runtime,
        bolt: AsyncApp,
        *,
        concurrency: int,
        poll: float = 1.0,
        clock: Callable[[], datetime] = now,
        metrics: Metrics | None = None,
        lease: timedelta | None = None,
    ) -> None:
        self.runtime = runtime
        self.metrics = metrics or Metrics()
        self.clock = clock
        self.lease = lease or runtime.settings.lease
        self.attempt = Attempts(runtime, bolt, clock=clock, lease=self.lease, metrics=self.metrics)
        self.concurrency = concurrency
        self.poll = poll
        self.running: set[asyncio.Task[None]] = set()
        self._wake: asyncio.Event | None = None

    def wake(self) -> None:
        """New work was put (same process): claim it now rather than at the next poll."""
        if self._wake is not None:
            self._wake.set()

    async def run(self, stop: asyncio.Event) -> None:
        self._wake = asyncio.Event()
        last_purge = datetime.min.replace(tzinfo=UTC)
        log.info("inbox worker started (up to %d jobs at a time)", self.concurrency)
        while not stop.is_set():
            self._wake.clear()
            claimed = await self._claim_some()
            if self.clock() - last_purge > timedelta(hours=1):
                last_purge = self.clock()
                await self._purge()
            if claimed and len(self.running) < self.concurrency:
                continue  # there may be more waiting
            await _first_of(stop, self._wake, timeout=self.poll)
        await self.drain(timeout=30)

    async def run_once(self) -> int:
        """Claim what is due and wait for it to be done (tests, `worker --once`)."""
        started = await self._claim_some()
        await self.drain(timeout=None)
        return started

    async def drain(self, timeout: float | None) -> None:
        if self.running:
            await asyncio.wait(set(self.running), timeout=timeout)

    async def _claim_some(self) -> int:
        free = self.concurrency - len(self.running)
        if free <= 0:
            return 0
        try:
            jobs = await blocking(self._claim, free)
        except Exception:
            log.exception("inbox: claiming jobs failed; trying again later")
            return 0
        for job in jobs:
            task = asyncio.create_task(self.attempt.run(job))
            self.running.add(task)
            task.add_done_callback(self._done)
        return len(jobs)

    def _done(self, task: asyncio.Task[None]) -> None:
        self.running.discard(task)
        self.wake()  # a slot is free

    def _claim(self, limit: int) -> list[Job]:
        with self.runtime.uow() as uow:
            jobs = uow.inbox.claim(at=self.clock(), lease=self.lease, limit=limit)
            uow.commit()
        return jobs

    async def _purge(self) -> None:
        def purge() -> int:
            with self.runtime.uow() as uow:
                gone = uow.inbox.purge(self.clock() - KEEP_DONE)
                uow.commit()
            return gone

        try:
            await blocking(purge)
        except Exception:
            log.exception("inbox: purging old jobs failed")


async def _first_of(*events: asyncio.Event, timeout: float) -> None:
    waits = [asyncio.create_task(e.wait()) for e in events]
    try:
        await asyncio.wait(waits, timeout=timeout, return_when=asyncio.FIRST_COMPLETED)
    finally:
        for w in waits:
            w.cancel()
