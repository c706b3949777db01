"""The duration tool: how long the access lasts, read from the user's words and capped."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, time, timedelta
from typing import Literal
from zoneinfo import ZoneInfo

from pydantic import Field

from domain.model.caps import CappedDuration, apply_cap, cap_for
from domain.model.durations import DurationAsk, DurationError, parse_duration
from tools.base import ToolContext, ToolModel

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
    requested_end: str | None = Field(
        default=None, description="The instant the user asked for, before any cap (ISO-8601)."
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
    cap_source: str | None = Field(
        default=None,
        description='The tightest cap in words: "AWS Production allows at most 14 days".',
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
        ask = parse_duration(_as_until(inp.text), now=ctx.now, tz=d.timezone)
    except DurationError as exc:
        return DurationOutput(status="error", message=exc.message)
    if ask is None:
        return _missing(ctx, inp.entitlement_ids)
    return capped(ctx, ask, inp.entitlement_ids)


def capped(ctx: ToolContext, ask: DurationAsk, entitlement_ids: list[str]) -> DurationOutput:
    """An ask already read, with the caps of these entitlements applied."""
    d = ctx.directory
    result = apply_cap(ask, now=ctx.now, directory=d, entitlement_ids=entitlement_ids)
    return _output(ask.phrase, result, d.timezone)


def asked(out: DurationOutput) -> DurationAsk | None:
    """The ask behind an output, before any cap: what a later item is capped from, so
    adding an item to a card never moves the end the requester asked for."""
    if out.status == "permanent" or (out.permanent_requested and out.status == "temporary"):
        return DurationAsk(phrase=out.phrase or "permanent", permanent=True)
    if out.status != "temporary" or out.requested_end is None:
        return None
    return DurationAsk(
        phrase=out.phrase or "",
        end=_instant(out.requested_end),
        end_date=date.fromisoformat(out.requested_end_date) if out.requested_end_date else None,
    )


def _instant(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


# "make it end on 20 December", "ends by friday": an end, said as "until"
_ENDS_ON = re.compile(r"\b(?:end|ends|ending)\s+(?:on|by)\b", re.IGNORECASE)


def _as_until(text: str) -> str:
    return _ENDS_ON.sub("until", text, count=1)


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
        end=_iso(r.end),
        end_date=r.end_date.isoformat() if r.end_date else None,
        ends=_when(r.end, tz) if r.end else None,
        requested_end_date=r.requested_end_date.isoformat() if r.requested_end_date else None,
        requested_end=_iso(r.requested_end),
        permanent_requested=r.permanent_requested,
        permanent_allowed=r.permanent_allowed,
        capped=r.capped,
        cap=r.cap,
        cap_source=r.cap_source,
        message=message,
    )


def _iso(at: datetime | None) -> str | None:
    return at.astimezone(UTC).isoformat().replace("+00:00", "Z") if at else None


def spoken_end(end: str, tz: ZoneInfo) -> str:
    """An ISO end as people read it: "at the end of Fri 6 Mar 2026 (Europe/Berlin)"."""
    return _when(_instant(end), tz)


def _when(end: datetime, tz: ZoneInfo) -> str:
    """ "at the end of Fri 6 Mar 2026" or "on Thu 5 Mar 2026 at 04:00" (org time)."""
    local = end.astimezone(tz)
    if local.time() == time():
        last = local - timedelta(days=1)
        return f"at the end of {last:%a} {last.day} {last:%b %Y} ({tz.key})"
    return f"on {local:%a} {local.day} {local:%b %Y} at {local:%H:%M} ({tz.key})"
