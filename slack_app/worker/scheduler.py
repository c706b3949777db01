"""The scheduler in a Slack process: every SCHEDULER_INTERVAL_SECONDS, one domain tick
(expire what is due, find what ends within EXPIRY_WARNING_HOURS, remind and escalate
unanswered approvers) in a worker thread, then the DMs it calls for, to the requester
and a different beneficiary, and to the approvers chased (`worker.followups`), and the
channel alerts (`worker.alerts`: failed org imports first, as they need no org); then
the checkpoint store is pruned (`slack.checkpoints`, CHECKPOINT_RETENTION_DAYS).

Every `serve` replica and `socket` process runs one; the tick claims each expiry and
each notice in the store, so they are done once between them (see `domain.usecases.scheduler`).
The first tick runs at start-up, so expiries missed while nothing ran catch up at once.
Beside it runs the outbox worker, which makes the grants and revokes the ticks and
approvals queued (`slack.outbox`).
A failed tick is logged and counted, and the next one tries again.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator
from datetime import timedelta

from domain.model.directory import Directory
from domain.model.requests import AccessRequest, State
from domain.usecases.scheduler import TickReport, warning_key
from domain.usecases.scheduler import tick as domain_tick
from slack_app.blocks import notices
from slack_app.blocks.kit import Block
from slack_app.listeners.deps import SlackDeps
from slack_app.listeners.edge import blocking
from slack_app.listeners.records import release
from slack_app.settings import Settings
from slack_app.slackapi import notify
from slack_app.worker import alerts, followups
from slack_app.worker.checkpoints import Janitor
from slack_app.worker.outbox import run_outbox

log = logging.getLogger(__name__)


async def tick(deps: SlackDeps, *, warn_before: timedelta) -> TickReport:
    """One tick and its messages; what it expired and warned about."""
    runtime = deps.runtime
    await alerts.post_import_failures(deps)  # first: it needs no org, the rest do
    directory = await blocking(runtime.directory)
    report = await blocking(
        domain_tick,
        uow=runtime.uow(),
        clock=runtime.clock,
        warn_before=warn_before,
        directory=directory,
    )
    await followups.announce(deps, report.followups, directory)
    await alerts.post_leftovers(deps, directory)
    if report.expiring or report.expired or report.resumed:
        directory = await blocking(runtime.directory)
        for request in report.expiring:
            await _warn(deps, request, notices.expiring_soon(request, directory))
        for request in report.expired:
            await _tell(deps, request, notices.expired(request, directory))
        for request in report.resumed:  # as after an approval: task DMs, or the outcome
            await _resumed(deps, request, directory)
    deps.metrics.scheduled("expired", len(report.expired))
    deps.metrics.scheduled("warned", len(report.expiring))
    return report


async def _resumed(deps: SlackDeps, request: AccessRequest, directory: Directory) -> None:
    try:
        if request.state is State.FULFILLING:
            await notify.owners(deps, request, directory)
        elif request.state is State.FULFILLED:
            await notify.requester(deps, request, notices.granted(request, directory))
        elif request.state is State.FAILED:
            await notify.requester(deps, request, notices.failed(request, directory))
    except Exception:
        log.exception("scheduler: telling about resumed %s failed", request.id)


async def _warn(deps: SlackDeps, request: AccessRequest, payload: Block) -> None:
    """A warning Slack never took (it kept failing) frees its key: the next tick, while
    the end is still ahead, warns again. One nobody can be DM'd at (no Slack user) is
    not retried: that would only repeat the same failure every tick."""
    if await _tell(deps, request, payload):
        return
    if await deps.users.slack_id(request.requester) is not None:
        await blocking(release, deps.runtime, warning_key(request))


async def _tell(deps: SlackDeps, request: AccessRequest, payload: Block) -> bool:
    """One failed message must not keep the others from going out."""
    try:
        return await notify.requester(deps, request, payload)
    except Exception:
        log.exception("could not tell the holders of %s: %s", request.id, payload.get("text"))
        return False


async def run_scheduler(
    deps: SlackDeps,
    *,
    every: float,
    warn_before: timedelta,
    stop: asyncio.Event,
    janitor: Janitor | None = None,
) -> None:
    """Tick now and then every `every` seconds until `stop` is set; after each tick,
    prune the checkpoint store when a `janitor` is given."""
    while not stop.is_set():
        try:
            await tick(deps, warn_before=warn_before)
            deps.metrics.scheduled("ok")
        except Exception:
            deps.metrics.scheduled("failed")
            log.exception("scheduler tick failed; trying again in %s s", every)
        if janitor is not None:
            await _prune(janitor, every)
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), timeout=every)


async def _prune(janitor: Janitor, every: float) -> None:
    """A failed prune is logged and counted apart from the tick, and never stops the loop."""
    try:
        await janitor.prune()
    except Exception:
        janitor.deps.metrics.scheduled("prune_failed")
        log.exception("pruning checkpoints failed; trying again in %s s", every)


def start(deps: SlackDeps, settings: Settings, stop: asyncio.Event) -> list[asyncio.Task[None]]:
    """The outbox worker (`slack.outbox`), and the loop unless SCHEDULER_INTERVAL_SECONDS
    is 0, as background tasks."""
    deliver = run_outbox(
        deps,
        attempts=settings.outbox_attempts,
        poll=settings.worker_poll,
        stop=stop,
        concurrency=settings.outbox_concurrency,
    )
    tasks = [asyncio.create_task(deliver, name="outbox")]
    every = settings.scheduler_interval_seconds
    if every <= 0:
        log.warning("scheduler off (SCHEDULER_INTERVAL_SECONDS=0): nothing expires here")
        return tasks
    janitor = Janitor(deps, keep_idle=settings.checkpoint_retention)
    loop = run_scheduler(
        deps, every=every, warn_before=settings.expiry_warning, stop=stop, janitor=janitor
    )
    return [*tasks, asyncio.create_task(loop, name="scheduler")]


@contextlib.asynccontextmanager
async def running(deps: SlackDeps, settings: Settings) -> AsyncIterator[None]:
    """The loop for the life of the block; a tick under way is finished, not cut off."""
    stop = asyncio.Event()
    tasks = start(deps, settings, stop)
    try:
        yield
    finally:
        stop.set()
        await asyncio.gather(*tasks, return_exceptions=True)
