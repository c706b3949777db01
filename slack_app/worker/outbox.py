"""The outbox worker: makes the connector calls the domain queued (grants after
approval, revokes at expiry) and tells people what came of them.

Each round claims due rows in the store (`domain.usecases.outbox`), calls the
connectors from up to ACCESS_AGENT_OUTBOX_CONCURRENCY threads at once, with tenacity
retrying a `TransientConnectorError` (ACCESS_AGENT_OUTBOX_ATTEMPTS, exponential
backoff), and then records done or failed, the whole round in one transaction.
After the commit: the requester hears of a finished request, the app owners of each
call (a manual app's task, a done call, or a failure with the connector's error and
a Retry button), and the alerts channel of each failure once per cause. It runs in
every process that runs the scheduler (`serve`, `socket`, `worker`); the store's
claims make each call one worker's.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import logging

from tenacity import Retrying, retry_if_exception_type, stop_after_attempt, wait_exponential

from domain.ids import key
from domain.model.directory import Directory
from domain.model.requests import State
from domain.ports import FulfillmentResult, OutboxAction, Outcome, TransientConnectorError
from domain.usecases.outbox import Call, Caller, Delivered, deliver_due
from slack_app.blocks import deliveries, notices
from slack_app.blocks.kit import Block
from slack_app.listeners.deps import SlackDeps
from slack_app.listeners.edge import blocking, dm
from slack_app.listeners.records import claim, record
from slack_app.slackapi import notify, retry

log = logging.getLogger(__name__)


def retrying(attempts: int, *, wait_max: float = 30.0) -> Caller:
    """A connector call tried up to `attempts` times while its target is unreachable."""

    def call(act: Call) -> FulfillmentResult:
        policy = Retrying(
            retry=retry_if_exception_type(TransientConnectorError),
            stop=stop_after_attempt(attempts),
            wait=wait_exponential(multiplier=0.5, max=wait_max),
            before_sleep=lambda s: log.warning(
                "connector call failed (attempt %d/%d): %s; retrying",
                s.attempt_number,
                attempts,
                s.outcome.exception() if s.outcome else None,
            ),
            reraise=True,
        )
        return policy(act)

    return call


async def deliver_round(
    deps: SlackDeps, caller: Caller, *, limit: int = 50, concurrency: int = 1
) -> int:
    """One claim and its calls, then the messages; how many rows were recorded."""
    runtime = deps.runtime
    done = await blocking(
        deliver_due,
        uow=runtime.uow(),
        connectors=runtime.connectors,
        clock=runtime.clock,
        caller=caller,
        limit=limit,
        concurrency=concurrency,
    )
    if done:
        directory = await blocking(runtime.directory)
        for delivered in done:
            try:
                await tell(deps, delivered, directory)
            except Exception:
                log.exception("outbox: telling about %s failed", delivered.delivery.key)
    return len(done)


async def tell(deps: SlackDeps, delivered: Delivered, directory: Directory) -> None:
    request, delivery, result = delivered.request, delivered.delivery, delivered.result
    if result.outcome is Outcome.PENDING:
        await notify.owners(deps, request, directory)  # a manual task, as ever
    elif result.outcome is Outcome.FAILED:
        error = result.message or "failed"
        payload = deliveries.delivery_failed(request, directory, delivery, error)
        await _owners(deps, directory, delivered, payload)
        await alert(deps, delivered, directory, error)
    else:
        payload = deliveries.delivered(request, directory, delivery)
        await _owners(deps, directory, delivered, payload)
    if request.state is State.FULFILLED and delivery.action is OutboxAction.GRANT:
        await notify.requester(deps, request, notices.granted(request, directory))
    elif request.state is State.FAILED:
        await notify.requester(deps, request, notices.failed(request, directory))


async def _owners(
    deps: SlackDeps, directory: Directory, delivered: Delivered, payload: Block
) -> None:
    wanted = key(delivered.delivery.entitlement_id)
    apps = {i.app_id for i in delivered.request.items if key(i.entitlement_id) == wanted}
    for app_id in apps:
        app = directory.app(app_id)
        for owner in app.owners if app else []:
            await dm(deps, owner, payload)


async def alert(deps: SlackDeps, delivered: Delivered, directory: Directory, error: str) -> None:
    """Once per cause (this call failing with this error), audited; none unless
    ACCESS_AGENT_ALERTS_CHANNEL is set."""
    channel = deps.runtime.settings.alerts_channel
    if not channel:
        return
    cause = hashlib.sha256(f"{delivered.delivery.key}\n{error}".encode()).hexdigest()[:24]
    if not await blocking(claim, deps.runtime, f"alert:connector:{cause}"):
        return
    payload = deliveries.alert(delivered.request, directory, delivered.delivery, error)
    sent = await retry.notify(deps.client.chat_postMessage, channel=channel, **payload)
    await blocking(
        record,
        deps.runtime,
        actor="system",
        action="alert.connector_failed",
        request_id=delivered.request.id,
        key=delivered.delivery.key,
        channel=channel,
        posted=sent is not None,
        error=error[:500],
    )


async def run_outbox(
    deps: SlackDeps, *, attempts: int, poll: float, stop: asyncio.Event, concurrency: int = 1
) -> None:
    """Deliver until `stop` is set: at once while there is work, else every `poll` s;
    up to `concurrency` calls of a round at once (ACCESS_AGENT_OUTBOX_CONCURRENCY)."""
    caller = retrying(attempts)
    while not stop.is_set():
        try:
            if await deliver_round(deps, caller, concurrency=concurrency):
                continue
        except Exception:
            log.exception("outbox round failed; trying again in %s s", poll)
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), timeout=poll)
