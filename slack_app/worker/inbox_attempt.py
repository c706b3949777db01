"""One attempt at an inbox job: dispatched to the worker's Bolt app under a lease that a
heartbeat keeps renewing, then finished, retried soon, or given up on with an apology
(`slack.inbox_failures` says which and why)."""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from slack_bolt.async_app import AsyncApp, AsyncBoltRequest

from domain.ports import Job
from slack_app import logs
from slack_app.bootstrap import Runtime
from slack_app.listeners.edge import blocking
from slack_app.web.metrics import Metrics
from slack_app.worker.inbox_failures import MAX_CLAIMS, apologize, retry_in
from slack_app.worker.inbox_job import INBOX_JOB, JobRun

log = logging.getLogger(__name__)


class Attempts:
    """`await attempts.run(job)` for each job the worker claimed. Takes over the Bolt
    app's error handler, which is where Bolt hands a listener's exception (it answers
    500 and keeps the exception to itself), so the error can be judged."""

    def __init__(
        self,
        runtime: Runtime,
        bolt: AsyncApp,
        *,
        clock: Callable[[], datetime],
        lease: timedelta,
        metrics: Metrics,
    ) -> None:
        self.runtime, self.bolt, self.clock = runtime, bolt, clock
        self.lease, self.metrics = lease, metrics
        bolt.error(self._on_error)

    async def _on_error(self, error: Exception, context: dict[str, Any]) -> None:
        """Bolt's error handler: log, and keep the error for `_settle` to judge."""
        log.error("inbox listener failed: %r", error, exc_info=error)
        run = context.get(INBOX_JOB)
        if isinstance(run, JobRun):
            run.error = error

    async def run(self, job: Job) -> None:
        ids = {"http_request": logs.request_id(job.key), "job": job.key}
        with logs.bound(**ids, event=_event_id(job.payload)):
            log.info("inbox job: attempt %d", job.attempts)
            await self._run_job(job)

    async def _run_job(self, job: Job) -> None:
        run = JobRun.of(job)
        if job.attempts > MAX_CLAIMS:  # each worker that ran it died: do not run it again
            failed: str | None = f"abandoned: claimed {job.attempts} times, never settled"
        else:
            beat = asyncio.create_task(self._heartbeat(job))
            try:
                failed = await self._run(run)
            finally:
                beat.cancel()
        try:
            dead = await blocking(self._settle, run, failed)
        except Exception:  # the lease lapses and the job is claimed again
            log.exception("inbox job %s: could not record its outcome", job.key)
            return
        if dead:
            await apologize(self.bolt.client, job, run.reply)

    async def _run(self, run: JobRun) -> str | None:
        """Dispatch the job to Bolt; why it failed, or None when it was done."""
        try:
            request = AsyncBoltRequest(
                body=run.job.payload,
                headers={"content-type": "application/json"},
                context={INBOX_JOB: run},
            )
            answer = await self.bolt.async_dispatch(request)
        except Exception as exc:
            log.exception("inbox job %s (%s) failed", run.job.id, run.job.key)
            run.error = exc
            return f"{type(exc).__name__}: {exc}"
        if answer.status < 500:
            return None
        if run.error is not None:
            return f"{type(run.error).__name__}: {run.error}"
        return f"listener failed ({answer.status})"

    async def _heartbeat(self, job: Job) -> None:
        """Renew the job's lease every third of it while its listener runs: a live worker
        keeps its job however long the turn takes, a dead one loses it within a lease."""
        every = self.lease.total_seconds() / 3
        while True:
            await asyncio.sleep(every)
            try:
                held = await blocking(self._renew, job)
            except Exception as exc:  # the store was away: the next beat tries again
                log.warning("inbox job %s: heartbeat failed: %s", job.key, exc)
                continue
            if not held:
                log.warning("inbox job %s: lease lost to another worker", job.key)
                return

    def _renew(self, job: Job) -> bool:
        with self.runtime.uow() as uow:
            held = uow.inbox.renew(job.id, job.token, self.clock() + self.lease)
            uow.commit()
        return held

    def _settle(self, run: JobRun, error: str | None) -> bool:
        """Finish, retry soon, or give up on the job; True when it is now a dead letter."""
        job = run.job
        with self.runtime.uow() as uow:
            if error is None:
                uow.inbox.finish(job.id, self.clock())
                outcome = "done"
                waited = (self.clock() - job.received_at).total_seconds()
                log.debug("inbox job %s done %.2f s after it came in", job.key, waited)
            else:
                wait = retry_in(job, run.error)
                retry_at = None if wait is None else self.clock() + wait
                uow.inbox.fail(job.id, self.clock(), error, retry_at=retry_at)
                outcome = "dead" if wait is None else "retry"
                level = logging.ERROR if wait is None else logging.WARNING
                log.log(
                    level, "inbox job %s %s: %s (attempt %d)", job.key, outcome, error, job.attempts
                )
            uow.commit()
        self.metrics.inbox_job(outcome)
        return outcome == "dead"


def _event_id(payload: str) -> str | None:
    """Slack's event_id, for the log lines (the payload was checked when it came in)."""
    try:
        event_id = json.loads(payload).get("event_id")
    except (ValueError, AttributeError):
        return None
    return str(event_id) if event_id else None
