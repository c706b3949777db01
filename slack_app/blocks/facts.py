"""The facts of a request as short phrases, shared by every surface that shows one.

Functions here return raw text; callers escape it (`escape.mrkdwn`) where it lands in
mrkdwn, and leave it as is in plain_text.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from domain.model.directory import Directory
from domain.model.foureyes import FOUR_EYES_RULE, may_decide, run_of, runs
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


_ROLES = {"manager": "manager", "app_owner": "owner", FOUR_EYES_RULE: "second approver"}


def role(rule: str) -> str:
    """ "manager", "owner", "security" (a group), "named approver", "second approver" """
    kind, _, target = rule.partition(":")
    if kind == "group":
        return target
    return _ROLES.get(kind, "named approver" if kind == "person" else rule)


def roles(run: list[ApprovalStep]) -> str:
    """ " · manager, owner" for a run of several steps with the same approvers (or a step
    four eyes added), else "" """
    if len(run) < 2 and run[0].rule != FOUR_EYES_RULE:
        return ""
    return " · " + ", ".join(dict.fromkeys(role(s.rule) for s in run))


def step_of(request: AccessRequest, step: ApprovalStep) -> str:
    """ "step 1 of 2": a run of steps with the same approvers counts as one step."""
    grouped = runs(request.steps)
    number = next((n for n, run in enumerate(grouped, 1) if step in run), step.index + 1)
    return f"step {number} of {len(grouped)}"


def waiting_for(request: AccessRequest, step: ApprovalStep) -> list[str]:
    """The step's approvers four eyes lets decide it now (all of them when it is off)."""
    return [a for a in step.approvers if may_decide(request, a)] or list(step.approvers)


def progress(directory: Directory, request: AccessRequest) -> str:
    """ "waiting for Dana Kim (step 1 of 2)", "approved; being set up", "rejected" """
    step = request.current_step
    state = request.state.value
    if state == "submitted" and step is not None:
        who = names(directory, waiting_for(request, step)) + roles(run_of(request, step))
        return f"waiting for {who} ({step_of(request, step)})"
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
