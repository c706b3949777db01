"""The facts of a request as short phrases, shared by every surface that shows one.

Functions here return raw text; callers escape it (`escape.mrkdwn`) where it lands in
mrkdwn, and leave it as is in plain_text.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from domain.model.directory import Directory
from domain.model.requests import AccessRequest, ApprovalStep, ItemStatus, RequestItem, StepStatus
from slack_app.blocks.escape import mrkdwn


def name(directory: Directory, person_id: str) -> str:
    person = directory.person(person_id)
    return person.name if person else person_id


def who(directory: Directory, person_id: str) -> str:
    """ "Alex Meyer (Backend Engineer)" """
    person = directory.person(person_id)
    if person is None:
        return person_id
    return f"{person.name} ({person.title})" if person.title else person.name


def names(directory: Directory, person_ids: list[str]) -> str:
    return " or ".join(name(directory, p) for p in person_ids) or "nobody"


def item_label(directory: Directory, item: RequestItem) -> str:
    """ "GitHub · Write" """
    app = directory.app(item.app_id)
    ent = directory.entitlement(item.entitlement_id)
    return f"{app.name if app else item.app_id} · {ent.name if ent else item.entitlement_id}"


def account(directory: Directory, item: RequestItem) -> str:
    if item.new_account:
        app = directory.app(item.app_id)
        return f"a new {app.name if app else item.app_id} account"
    return item.identity_id.split(":", 1)[-1]


def is_privileged(directory: Directory, item: RequestItem) -> bool:
    ent = directory.entitlement(item.entitlement_id)
    return bool(ent and ent.privileged)


def privileged_labels(directory: Directory, request: AccessRequest) -> list[str]:
    return [item_label(directory, i) for i in request.active_items if is_privileged(directory, i)]


_STATUS_MARK = {
    ItemStatus.DONE: "  ✓ done",
    ItemStatus.FAILED: "  ✗ failed",
    ItemStatus.REMOVED: "  (removed)",
}


def item_line(directory: Directory, item: RequestItem) -> str:
    """One mrkdwn bullet: "• *GitHub · Write* on `alex-m`  ⚠ privileged"."""
    label = mrkdwn(item_label(directory, item))
    where = mrkdwn(account(directory, item))
    where = where if item.new_account else f"`{where}`"
    if item.status is ItemStatus.DROPPED:
        return f"• ~{label}~ on {where} _(dropped)_"
    flag = "  ⚠ privileged" if is_privileged(directory, item) else ""
    flag += _STATUS_MARK.get(item.status, "")
    note = f" — {mrkdwn(item.note)}" if item.note else ""
    return f"• *{label}* on {where}{flag}{note}"


def day(value: date) -> str:
    return f"{value:%a} {value.day} {value:%b %Y}"


def until(end: datetime | None, tz: ZoneInfo) -> str:
    """ "until end of Fri 6 Mar 2026", "until Thu 5 Mar 2026 at 04:00", "permanent" """
    if end is None:
        return "permanent"
    local = end.astimezone(tz)
    if local.time() == time():
        return f"until end of {day(local.date() - timedelta(days=1))}"
    return f"until {day(local.date())} at {local:%H:%M}"


def last_day(end: datetime, tz: ZoneInfo) -> date:
    """The last local day with access (an end at midnight belongs to the day before)."""
    local = end.astimezone(tz)
    return local.date() - timedelta(days=1) if local.time() == time() else local.date()


def end_after(last: str, tz: ZoneInfo) -> datetime:
    """The end of access for "last day YYYY-MM-DD": the next local midnight (the inverse
    of `last_day`). ValueError for no such day (2026-13-45, or the calendar's last)."""
    try:
        after = date.fromisoformat(last) + timedelta(days=1)
    except OverflowError as exc:
        raise ValueError(f"no day after {last}") from exc
    return datetime.combine(after, time(), tz)


def at(moment: datetime, tz: ZoneInfo) -> str:
    """ "16:05, Wed 4 Mar 2026" """
    local = moment.astimezone(tz)
    return f"{local:%H:%M}, {day(local.date())}"


def step_of(request: AccessRequest, step: ApprovalStep) -> str:
    return f"step {step.index + 1} of {len(request.steps)}"


def progress(directory: Directory, request: AccessRequest) -> str:
    """ "waiting for Dana Kim (step 1 of 2)", "approved; being set up", "rejected" """
    step = request.current_step
    state = request.state.value
    if state == "submitted" and step is not None:
        return f"waiting for {names(directory, step.approvers)} ({step_of(request, step)})"
    if state in ("approved", "fulfilling"):
        return "approved; access is being set up"
    if state == "fulfilled":
        return f"granted, {until(request.end, directory.timezone)}"
    return state


def last_decision(request: AccessRequest) -> ApprovalStep | None:
    decided = [s for s in request.steps if s.status in (StepStatus.APPROVED, StepStatus.REJECTED)]
    return max(
        decided, key=lambda s: (s.decided_at is not None, s.decided_at, s.index), default=None
    )


def access_like(directory: Directory, request: AccessRequest) -> str | None:
    """ "person Priya Raman", "role Backend on-call", or None for custom access."""
    ref = request.access_like_ref
    kind = request.access_like.value
    if kind == "custom" or not ref:
        return None
    if kind == "person":
        return f"person {name(directory, ref)}"
    if kind == "role":
        role = directory.role(ref)
        return f"role {role.name if role else ref}"
    return f"job title {ref}"


def reason(request: AccessRequest) -> str:
    """The org reason, and the justification as typed when it says more."""
    words = request.comment
    return f"{request.reason} — “{words}”" if words and words != request.reason else request.reason
