"""When an unanswered approval step is chased, and whom an escalation goes to.

Delays are business time: Monday to Friday in the org's time zone (org setting
`reminders`, default a reminder after one business day and an escalation after three).
A step waits from the submission (the first step) or from the decision before it.
"""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from enum import StrEnum
from zoneinfo import ZoneInfo

from domain.ids import key
from domain.model.directory import Directory
from domain.model.isoduration import parse_iso_duration
from domain.model.requests import AccessRequest, ApprovalStep

WEEKEND = (5, 6)  # Saturday, Sunday


class FollowUpKind(StrEnum):
    REMINDER = "reminder"
    ESCALATION = "escalation"


def business_deadline(start: datetime, length: timedelta, tz: ZoneInfo) -> datetime:
    """The instant (UTC) at which `length` of business time has passed since `start`:
    time on Saturdays and Sundays (local to `tz`) does not count."""
    remaining = length
    at = start.astimezone(tz)
    while True:
        midnight = datetime.combine(at.date() + timedelta(days=1), time(), tzinfo=tz)
        if at.weekday() not in WEEKEND:
            available = midnight.astimezone(UTC) - at.astimezone(UTC)
            if remaining <= available:
                return at.astimezone(UTC) + remaining
            remaining -= available
        at = midnight


def delays(directory: Directory) -> tuple[timedelta, timedelta]:
    """(remind after, escalate after) as business time (org setting `reminders`)."""
    settings = directory.reminders
    after = parse_iso_duration(settings.after)
    escalate = parse_iso_duration(settings.escalate_after)
    return (
        timedelta(days=after.days, seconds=after.seconds),
        timedelta(days=escalate.days, seconds=escalate.seconds),
    )


def waiting_since(request: AccessRequest) -> datetime | None:
    """When the current step started waiting: the last decision, else the submission."""
    stamps = [s.decided_at for s in request.steps if s.decided_at is not None]
    if request.submitted_at is not None:
        stamps.append(request.submitted_at)
    return max(stamps, default=None)


def due(request: AccessRequest, directory: Directory, now: datetime) -> FollowUpKind | None:
    """What the current step is due for at `now` (the later one wins), if anything."""
    since = waiting_since(request)
    if since is None or request.current_step is None:
        return None
    remind, escalate = delays(directory)
    tz = directory.timezone
    if now >= business_deadline(since, escalate, tz):
        return FollowUpKind.ESCALATION
    if now >= business_deadline(since, remind, tz):
        return FollowUpKind.REMINDER
    return None


def escalation_targets(
    directory: Directory, request: AccessRequest, step: ApprovalStep
) -> tuple[list[str], list[str]]:
    """(who is told, who is added as an approver). A group step goes to the whole
    group (all already its approvers); any other step to its approvers' managers (the
    nearest active one who is neither requester nor beneficiary), else to the admins."""
    excluded = {key(request.requester), key(request.beneficiary)}
    if step.rule.startswith("group:"):
        return list(step.approvers), []
    current = {key(a) for a in step.approvers}
    added: dict[str, str] = {}
    for approver in step.approvers:
        manager = directory.manager_of(approver)
        while manager is not None and (key(manager.id) in excluded or not manager.active):
            manager = directory.manager_of(manager.id)
        if manager is not None and key(manager.id) not in current:
            added.setdefault(key(manager.id), manager.id)
    if not added:
        admins = [p for p in directory.data.people if p.admin and p.active]
        added = {key(p.id): p.id for p in admins if key(p.id) not in excluded | current}
    return list(added.values()), list(added.values())
