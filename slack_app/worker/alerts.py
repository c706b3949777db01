"""Channel alerts posted by the scheduler's tick: after an org import, each terminated
person who still holds access (`domain.usecases.alerts`), and each org import that
failed (`domain.usecases.failed_imports`), in ACCESS_AGENT_ALERTS_CHANNEL (else the
org file's `alerts_channel`; neither: no alerts, and nothing is claimed, so setting a
channel later still reports them).

An alert is claimed and audited before it is posted; one Slack never took frees its key,
so the next tick posts it again (and audits that attempt too).
"""

from __future__ import annotations

import logging
from zoneinfo import ZoneInfo

from domain.model.directory import Directory
from domain.usecases.alerts import alert_key, leftover_alerts
from domain.usecases.failed_imports import alert_key as failure_key
from domain.usecases.failed_imports import import_failure_alerts
from slack_app.blocks.alerts import import_failed_alert, leftover_alert
from slack_app.listeners.deps import SlackDeps
from slack_app.listeners.edge import blocking
from slack_app.listeners.records import release
from slack_app.slackapi import retry

log = logging.getLogger(__name__)


def alerts_channel(deps: SlackDeps, directory: Directory) -> str | None:
    return deps.runtime.settings.alerts_channel or directory.data.org.alerts_channel or None


async def post_leftovers(deps: SlackDeps, directory: Directory) -> int:
    """Post the leftover-access alerts due now; how many went out."""
    channel = alerts_channel(deps, directory)
    if channel is None:
        return 0
    runtime = deps.runtime
    due = await blocking(
        leftover_alerts, uow=runtime.uow(), directory=directory, clock=runtime.clock
    )
    posted = 0
    for leftover in due:
        payload = leftover_alert(leftover, directory)
        sent = await retry.notify(deps.client.chat_postMessage, channel=channel, **payload)
        if sent is None:
            log.warning(
                "alert for %s not posted in %s; next tick tries again", leftover.person, channel
            )
            await blocking(release, runtime, alert_key(leftover))
        else:
            posted += 1
    return posted


async def post_import_failures(deps: SlackDeps) -> int:
    """Post the failed-import alerts due now; how many went out. Needs no org: a first
    import that failed leaves none, and is alerted in ACCESS_AGENT_ALERTS_CHANNEL."""
    runtime = deps.runtime
    directory = await blocking(_stored_org, deps)
    channel = deps.runtime.settings.alerts_channel or (
        directory.data.org.alerts_channel if directory else None
    )
    if not channel:
        return 0
    tz = directory.timezone if directory else ZoneInfo("UTC")
    due = await blocking(import_failure_alerts, uow=runtime.uow(), clock=runtime.clock)
    posted = 0
    for failure in due:
        payload = import_failed_alert(failure, tz)
        sent = await retry.notify(deps.client.chat_postMessage, channel=channel, **payload)
        if sent is None:
            log.warning(
                "failed import of %s not alerted in %s; next tick tries again",
                failure.source,
                channel,
            )
            await blocking(release, runtime, failure_key(failure))
        else:
            posted += 1
    return posted


def _stored_org(deps: SlackDeps) -> Directory | None:
    with deps.runtime.uow() as uow:
        if uow.org.version() == 0:
            return None
    return deps.runtime.directory()
