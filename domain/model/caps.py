"""Duration caps (max_duration): how long the org lets access to something last.

An entitlement's or its app's cap applies to every request for it, so "permanent"
there becomes the cap. The org-wide cap applies to temporary asks only. A request has
one end, so the tightest cap across all its items applies to the whole request.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime
from typing import Literal

from domain.model.directory import Directory
from domain.model.durations import DurationAsk, end_after
from domain.model.isoduration import IsoDuration, parse_iso_duration

CapSource = Literal["entitlement", "app", "org"]


@dataclass(frozen=True)
class Cap:
    length: IsoDuration
    source: CapSource
    subject: str  # who sets it, as people know it: "GitHub Admin", "AWS Production"

    @property
    def caps_permanent(self) -> bool:
        return self.source != "org"

    def describe(self) -> str:
        """ "GitHub Admin allows at most 30 days" """
        tail = " of temporary access" if self.source == "org" else ""
        return f"{self.subject} allows at most {spoken(self.length)}{tail}"


@dataclass(frozen=True)
class CappedDuration:
    permanent: bool
    end: datetime | None  # UTC
    end_date: date | None  # in the org's zone
    requested_end: datetime | None
    requested_end_date: date | None
    permanent_requested: bool
    permanent_allowed: bool  # False when an entitlement or app cap applies
    capped: bool  # the cap cut the ask
    cap: str | None  # the tightest applicable cap (ISO-8601), whether or not it cut
    cap_source: str | None
    message: str = ""  # for the user, when capped


def caps_on(directory: Directory, entitlement_ids: Iterable[str]) -> list[Cap]:
    """Every cap that applies to these entitlements; unknown ids have none."""
    caps: dict[tuple[str, str], Cap] = {}
    for entitlement_id in entitlement_ids:
        ent = directory.entitlement(entitlement_id)
        app = directory.app_of.get(entitlement_id.strip().casefold())
        if ent is None or app is None:
            continue
        if ent.max_duration:
            cap = Cap(parse_iso_duration(ent.max_duration), "entitlement", f"{app.name} {ent.name}")
            caps[(cap.source, ent.id)] = cap
        if app.max_duration:
            caps[("app", app.id)] = Cap(parse_iso_duration(app.max_duration), "app", app.name)
    if directory.org_cap is not None:
        caps[("org", "")] = Cap(directory.org_cap, "org", directory.data.org.name)
    return list(caps.values())


def cap_for(
    directory: Directory,
    entitlement_ids: Iterable[str],
    *,
    permanent: bool = False,
    now: datetime | None = None,
) -> Cap | None:
    """The tightest cap on a request for these entitlements, or None.

    A permanent ask is capped by entitlement and app caps only. `now` decides between
    calendar caps (P1M vs P30D); without it a month counts as 30.44 days.
    """
    caps = [c for c in caps_on(directory, entitlement_ids) if c.caps_permanent or not permanent]
    if not caps:
        return None
    if now is None:
        return min(caps, key=_nominal_seconds)
    return min(caps, key=lambda c: end_after(c.length, now=now, tz=directory.timezone))


def apply_cap(
    ask: DurationAsk, *, now: datetime, directory: Directory, entitlement_ids: Iterable[str]
) -> CappedDuration:
    """The request's end once the tightest applicable cap is applied, and what to tell."""
    ids = list(entitlement_ids)
    tz = directory.timezone
    cap = cap_for(directory, ids, permanent=ask.permanent, now=now)
    cap_end = end_after(cap.length, now=now, tz=tz) if cap else None
    capped = cap_end is not None and (ask.permanent or (ask.end is not None and cap_end < ask.end))
    end = cap_end if capped else ask.end
    result = CappedDuration(
        permanent=ask.permanent and not capped,
        end=end.astimezone(UTC) if end else None,
        end_date=end.astimezone(tz).date() if capped and end else ask.end_date,
        requested_end=ask.end,
        requested_end_date=ask.end_date,
        permanent_requested=ask.permanent,
        permanent_allowed=cap_for(directory, ids, permanent=True) is None,
        capped=capped,
        cap=cap.length.text if cap else None,
        cap_source=cap.describe() if cap else None,
    )
    if not capped or cap is None or result.end_date is None:
        return result
    cut = "it can't be permanent" if ask.permanent else f"it can't last until {_day(ask.end_date)}"
    message = f"{cap.describe()}, so {cut}: access would end on {_day(result.end_date)}."
    return replace(result, message=message)


def _nominal_seconds(cap: Cap) -> float:
    return (cap.length.months * 30.436875 + cap.length.days) * 86_400 + cap.length.seconds


def spoken(length: IsoDuration) -> str:
    """ "30 days", "2 weeks", "6 months", "12 hours" """
    years, months = divmod(length.months, 12)
    weeks, days = divmod(length.days, 7) if length.days % 7 == 0 else (0, length.days)
    hours, rest = divmod(length.seconds, 3600)
    parts = [
        (years, "year"),
        (months, "month"),
        (weeks, "week"),
        (days, "day"),
        (hours, "hour"),
        (rest // 60, "minute"),
    ]
    return ", ".join(f"{n} {unit}{'s' if n != 1 else ''}" for n, unit in parts if n)


def _day(day: date | None) -> str:
    return f"{day:%a} {day.day} {day:%b %Y}" if day else "?"
