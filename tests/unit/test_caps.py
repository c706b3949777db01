"""Duration caps (org-data.md, "Duration cap") and the duration tool that applies them."""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest

from domain.model.caps import apply_cap, cap_for
from domain.model.directory import Directory
from domain.model.durations import parse_duration
from domain.model.isoduration import parse_iso_duration
from domain.model.org import Application, Entitlement, OrgData, OrgSettings
from tools.base import ToolContext
from tools.duration import DURATION, DurationInput

BERLIN = ZoneInfo("Europe/Berlin")
NOW = datetime(2026, 3, 4, 16, 0, tzinfo=BERLIN)  # Wednesday 16:00


def directory(org_cap: str | None = "P180D") -> Directory:
    return Directory(
        OrgData(
            org=OrgSettings(name="Test Co", timezone="Europe/Berlin", max_duration=org_cap),
            applications=[
                Application(
                    id="github",
                    name="GitHub",
                    max_duration="P90D",
                    entitlements=[
                        Entitlement(id="github:read", name="Read"),
                        Entitlement(id="github:admin", name="Admin", max_duration="P30D"),
                    ],
                ),
                Application(
                    id="aws",
                    name="AWS",
                    max_duration="P14D",
                    entitlements=[Entitlement(id="aws:ops", name="Ops", max_duration="P60D")],
                ),
                Application(
                    id="cal",
                    name="Calendar",
                    max_duration="P30D",
                    entitlements=[Entitlement(id="cal:edit", name="Edit", max_duration="P1M")],
                ),
                Application(
                    id="wiki", name="Wiki", entitlements=[Entitlement(id="wiki:edit", name="Edit")]
                ),
            ],
        )
    )


D = directory()


@pytest.mark.parametrize(
    ("ids", "permanent", "cap", "source", "says"),
    [
        (["github:admin"], False, "P30D", "entitlement", "GitHub Admin allows at most 30 days"),
        (["github:read"], False, "P90D", "app", "GitHub allows at most 90 days"),
        (["aws:ops"], False, "P14D", "app", "AWS allows at most 2 weeks"),  # app is tighter
        (["github:read", "github:admin"], False, "P30D", "entitlement", "GitHub Admin"),
        (["github:admin", "aws:ops"], True, "P14D", "app", "AWS"),  # one end for the request
        (["wiki:edit"], False, "P180D", "org", "Test Co allows at most 180 days of temporary"),
        (["GitHub:Admin"], True, "P30D", "entitlement", "GitHub Admin"),  # ids ignore case
    ],
)
def test_the_tightest_cap_wins(
    ids: list[str], permanent: bool, cap: str, source: str, says: str
) -> None:
    found = cap_for(D, ids, permanent=permanent, now=NOW)
    assert found is not None
    assert (found.length.text, found.source) == (cap, source)
    assert found.describe().startswith(says)


def test_org_cap_does_not_apply_to_permanent() -> None:
    assert cap_for(D, ["wiki:edit"], permanent=True) is None
    assert cap_for(directory(org_cap=None), ["wiki:edit"]) is None


def test_calendar_caps_compare_from_now() -> None:
    february = datetime(2026, 2, 4, 12, 0, tzinfo=BERLIN)  # P1M = 28 days from here
    found = cap_for(D, ["cal:edit"], now=february)
    assert found is not None and found.length.text == "P1M"
    later = cap_for(D, ["cal:edit"], now=datetime(2026, 3, 4, 12, 0, tzinfo=BERLIN))
    assert later is not None and later.length.text == "P30D"  # P1M = 31 days from here


def capped(text: str, ids: list[str], d: Directory = D):  # type: ignore[no-untyped-def]
    ask = parse_duration(text, now=NOW, tz=BERLIN)
    assert ask is not None
    return apply_cap(ask, now=NOW, directory=d, entitlement_ids=ids)


@pytest.mark.parametrize(
    ("text", "ids", "permanent", "capped_", "end_date", "requested"),
    [
        ("until 2026-04-30", ["github:admin"], False, True, "2026-04-03", "2026-04-30"),
        ("for 1 week", ["github:admin"], False, False, "2026-03-11", "2026-03-11"),
        ("permanent", ["github:read"], False, True, "2026-06-02", None),  # app cap on permanent
        ("permanent", ["wiki:edit"], True, False, None, None),  # org cap spares permanent
        ("for 1 year", ["wiki:edit"], False, True, "2026-08-31", "2027-03-04"),  # org cap
        ("for 1 year", ["github:read", "github:admin"], False, True, "2026-04-03", "2027-03-04"),
    ],
)
def test_apply_cap(
    text: str,
    ids: list[str],
    permanent: bool,
    capped_: bool,
    end_date: str | None,
    requested: str | None,
) -> None:
    result = capped(text, ids)
    assert (result.permanent, result.capped) == (permanent, capped_)
    assert result.end_date == (date.fromisoformat(end_date) if end_date else None)
    assert result.requested_end_date == (date.fromisoformat(requested) if requested else None)
    assert bool(result.message) == capped_


def test_capped_end_is_the_cap_after_now_on_the_local_calendar() -> None:
    result = capped("permanent", ["github:admin"])
    assert result.end == datetime(2026, 4, 3, 14, 0, tzinfo=UTC)  # 16:00 CEST
    assert (result.requested_end, result.permanent_requested) == (None, True)
    assert result.message == (
        "GitHub Admin allows at most 30 days, so it can't be permanent: "
        "access would end on Fri 3 Apr 2026."
    )


def test_no_cap_at_all() -> None:
    result = capped("for 2 years", ["wiki:edit"], directory(org_cap=None))
    assert (result.capped, result.cap, result.cap_source, result.permanent_allowed) == (
        False,
        None,
        None,
        True,
    )
    assert result.end_date == date(2028, 3, 4)


def test_temporary_without_end_reports_the_cap_to_ask_within() -> None:
    result = capped("temp", ["github:admin"])
    assert (result.end, result.capped, result.cap, result.permanent_allowed) == (
        None,
        False,
        "P30D",
        False,
    )


def ctx() -> ToolContext:
    return ToolContext(directory=D, requester_id="alex@t.test", now=NOW)


@pytest.mark.parametrize(
    ("text", "ids", "status", "end_date", "capped_"),
    [
        ("same access as Priya but temporary until Friday", [], "temporary", "2026-03-06", False),
        ("github admin permanently", ["github:admin"], "temporary", "2026-04-03", True),
        ("wiki forever", ["wiki:edit"], "permanent", None, False),
        ("github admin please", ["github:admin"], "missing", None, False),
        ("temp", [], "needs_end", None, False),
        ("until March 1", [], "error", None, False),
        ("for 2 weeks", ["nope:nothing"], "error", None, False),
    ],
)
def test_tool(text: str, ids: list[str], status: str, end_date: str | None, capped_: bool) -> None:
    out = DURATION(ctx(), DurationInput(text=text, entitlement_ids=ids))
    assert (out.status, out.end_date, out.capped) == (status, end_date, capped_)
    assert out.message


def test_tool_says_permanent_is_not_on_offer_when_capped() -> None:
    out = DURATION(
        ctx(), DurationInput(text="github admin please", entitlement_ids=["github:admin"])
    )
    assert out.permanent_allowed is False
    assert "GitHub Admin allows at most 30 days" in out.message
    assert DURATION.json_schema()["name"] == "parse_duration"


@pytest.mark.parametrize(
    ("start", "text", "end"),
    [
        (datetime(2026, 1, 31, 9, tzinfo=BERLIN), "P1M", datetime(2026, 2, 28, 9, tzinfo=BERLIN)),
        (datetime(2028, 1, 31, 9, tzinfo=BERLIN), "P1M", datetime(2028, 2, 29, 9, tzinfo=BERLIN)),
        (datetime(2026, 3, 31, 9, tzinfo=BERLIN), "P1Y1M", datetime(2027, 4, 30, 9, tzinfo=BERLIN)),
        (
            datetime(2026, 1, 31, 9, tzinfo=BERLIN),
            "P1M2DT3H",
            datetime(2026, 3, 2, 12, tzinfo=BERLIN),
        ),
    ],
)
def test_months_are_calendar_months_clamped_to_the_last_day(
    start: datetime, text: str, end: datetime
) -> None:
    assert parse_iso_duration(text).after(start) == end
