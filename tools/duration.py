"""The duration tool: how long the access lasts, read from the user's words and capped."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from typing import Literal
from zoneinfo import ZoneInfo

from pydantic import Field

from domain.model.caps import CappedDuration, apply_cap, cap_for
from domain.model.durations import DurationError, parse_duration
from tools.base import Tool, ToolContext, ToolModel

Status = Literal["permanent", "temporary", "missing", "needs_end", "error"]


class DurationInput(ToolModel):
    text: str = Field(
        description="The user's words about how long, or their whole message, as written: "
        '"for 2 weeks", "until Friday", "permanent", "temp", "2026-03-20".'
    )
    entitlement_ids: list[str] = Field(
        default_factory=list,
        description="Resolved entitlement ids of the request, so their caps apply. "
        "All items of one request share one end.",
    )


class DurationOutput(ToolModel):
    status: Status = Field(
        description="permanent | temporary (has an end) | missing (no duration stated: ask) "
        "| needs_end (temporary, but until when? ask) | error (tell the user the message)."
    )
    phrase: str | None = Field(default=None, description="The words read as the duration.")
    end: str | None = Field(default=None, description="When access ends (ISO-8601, UTC).")
    end_date: str | None = Field(
        default=None, description="The last day of access (YYYY-MM-DD, org's time zone)."
    )
    requested_end_date: str | None = Field(
        default=None, description="The day the user asked for, before any cap."
    )
    ends: str | None = Field(
        default=None, description='When access ends, for people: "at the end of Fri 6 Mar 2026".'
    )
    permanent_requested: bool = Field(default=False, description="The user asked for permanent.")
    permanent_allowed: bool = Field(
        default=True, description="False when a cap forbids permanent access to these items."
    )
    capped: bool = Field(default=False, description="A max_duration cut the ask; say so.")
    cap: str | None = Field(
        default=None, description="The tightest cap that applies (ISO-8601), even if not cut."
    )
    message: str = Field(default="", description="What to tell or ask the user.")


def duration(ctx: ToolContext, inp: DurationInput) -> DurationOutput:
    """Read how long the access should last from the user's words, in the org's time
    zone, and apply the org's caps (max_duration) for the given entitlements. Never guess
    a duration: when status is "missing" or "needs_end", ask the user (offer permanent only
    when permanent_allowed). "until Friday" lasts through the end of Friday; "for 2 weeks"
    counts from now. A capped result is the end to propose: tell the user it was capped."""
    d = ctx.directory
    unknown = [e for e in inp.entitlement_ids if d.entitlement(e) is None]
    if unknown:
        return DurationOutput(status="error", message=f"Unknown entitlement ids: {unknown}.")
    try:
        ask = parse_duration(inp.text, now=ctx.now, tz=d.timezone)
    except DurationError as exc:
        return DurationOutput(status="error", message=exc.message)
    if ask is None:
        return _missing(ctx, inp.entitlement_ids)
    result = apply_cap(ask, now=ctx.now, directory=d, entitlement_ids=inp.entitlement_ids)
    return _output(ask.phrase, result, ctx.directory.timezone)


def _missing(ctx: ToolContext, entitlement_ids: list[str]) -> DurationOutput:
    cap = cap_for(ctx.directory, entitlement_ids, permanent=True, now=ctx.now)
    offer = f" ({cap.describe()}, so not permanent)" if cap else ", or whether it is permanent"
    return DurationOutput(
        status="missing",
        permanent_allowed=cap is None,
        cap=cap.length.text if cap else None,
        message=f"No duration stated: ask how long they need it{offer}.",
    )


def _output(phrase: str, r: CappedDuration, tz: ZoneInfo) -> DurationOutput:
    if r.permanent:
        status: Status = "permanent"
        message = "Permanent access: no end date."
    elif r.end is None:
        status = "needs_end"
        limit = f" ({r.cap_source})" if r.cap_source else ""
        message = f"Temporary, but no end given: ask until when{limit}."
    else:
        status = "temporary"
        message = r.message or f"Access ends {_when(r.end, tz)}."
    return DurationOutput(
        status=status,
        phrase=phrase,
        end=r.end.isoformat().replace("+00:00", "Z") if r.end else None,
        end_date=r.end_date.isoformat() if r.end_date else None,
        ends=_when(r.end, tz) if r.end else None,
        requested_end_date=r.requested_end_date.isoformat() if r.requested_end_date else None,
        permanent_requested=r.permanent_requested,
        permanent_allowed=r.permanent_allowed,
        capped=r.capped,
        cap=r.cap,
        message=message,
    )


def _when(end: datetime, tz: ZoneInfo) -> str:
    """ "at the end of Fri 6 Mar 2026" or "on Thu 5 Mar 2026 at 04:00" (org time)."""
    local = end.astimezone(tz)
    if local.time() == time():
        last = local - timedelta(days=1)
        return f"at the end of {last:%a} {last.day} {last:%b %Y} ({tz.key})"
    return f"on {local:%a} {local.day} {local:%b %Y} at {local:%H:%M} ({tz.key})"


DURATION = Tool("parse_duration", duration, DurationInput, DurationOutput)
