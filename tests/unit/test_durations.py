"""Reading a duration out of what people type, at a fixed moment in a fixed zone."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from domain.model.durations import DurationError, parse_duration

BERLIN = ZoneInfo("Europe/Berlin")
NOW = datetime(2026, 3, 4, 16, 0, tzinfo=BERLIN)  # Wednesday 16:00, CET (+01:00)


def utc(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


def parse(text: str, now: datetime = NOW):  # type: ignore[no-untyped-def]
    return parse_duration(text, now=now, tz=BERLIN)


@pytest.mark.parametrize(
    "text",
    ["permanent", "permanently", "forever", "indefinitely", "no end date", "Permanent please"],
)
def test_permanent(text: str) -> None:
    ask = parse(text)
    assert ask is not None
    assert (ask.permanent, ask.end, ask.needs_end) == (True, None, False)


@pytest.mark.parametrize(
    ("text", "phrase", "end", "end_date"),
    [
        ("for 2 weeks", "for 2 weeks", "2026-03-18T15:00", "2026-03-18"),
        ("2 weeks", "2 weeks", "2026-03-18T15:00", "2026-03-18"),
        ("3 days", "3 days", "2026-03-07T15:00", "2026-03-07"),
        ("12 hours", "12 hours", "2026-03-05T03:00", "2026-03-05"),
        ("a week", "a week", "2026-03-11T15:00", "2026-03-11"),
        ("one month", "one month", "2026-04-04T14:00", "2026-04-04"),  # CEST by then
        ("a couple of days", "a couple of days", "2026-03-06T15:00", "2026-03-06"),
        ("90 minutes", "90 minutes", "2026-03-04T16:30", "2026-03-04"),
        ("2d", "2d", "2026-03-06T15:00", "2026-03-06"),
        ("12h", "12h", "2026-03-05T03:00", "2026-03-05"),
        ("1w", "1w", "2026-03-11T15:00", "2026-03-11"),
        ("90m", "90m", "2026-03-04T16:30", "2026-03-04"),
        ("3mo", "3mo", "2026-06-04T14:00", "2026-06-04"),
        ("--duration 2d", "--duration 2d", "2026-03-06T15:00", "2026-03-06"),
        ("for the next 3 days", "for the next 3 days", "2026-03-07T15:00", "2026-03-07"),
        ("P14D", "P14D", "2026-03-18T15:00", "2026-03-18"),
        ("a fortnight", "a fortnight", "2026-03-18T15:00", "2026-03-18"),
        (
            "github write for 2 weeks for the payments migration",
            "for 2 weeks",
            "2026-03-18T15:00",
            "2026-03-18",
        ),
    ],
)
def test_relative(text: str, phrase: str, end: str, end_date: str) -> None:
    ask = parse(text)
    assert ask is not None
    assert (ask.permanent, ask.phrase, ask.end) == (False, phrase, utc(end))
    assert ask.end_date == date.fromisoformat(end_date)
    assert ask.length is not None


@pytest.mark.parametrize(
    ("text", "end_date"),
    [
        ("until Friday", "2026-03-06"),
        ("till friday", "2026-03-06"),
        ("through Friday", "2026-03-06"),
        ("by Friday", "2026-03-06"),
        ("same access as Priya but temporary until Friday", "2026-03-06"),
        ("until Wednesday", "2026-03-11"),  # today is Wednesday: the next one
        ("until today", "2026-03-04"),
        ("until tomorrow", "2026-03-05"),
        ("until end of day", "2026-03-04"),
        ("EOD", "2026-03-04"),
        ("end of today", "2026-03-04"),
        ("till end of week", "2026-03-06"),
        ("EOW", "2026-03-06"),
        ("for the rest of the week", "2026-03-06"),
        ("till end of month", "2026-03-31"),
        ("EOM", "2026-03-31"),
        ("end of next week", "2026-03-13"),
        ("through March 20", "2026-03-20"),
        ("until 20 March", "2026-03-20"),
        ("until the 20th of March 2026", "2026-03-20"),
        ("until 2026-03-20", "2026-03-20"),
        ("until next Monday", "2026-03-09"),
        ("until October 1", "2026-10-01"),  # not past this year: this year's
        ("rest of the week", "2026-03-06"),
        ("until Friday next week", "2026-03-13"),
        ("until end of March", "2026-03-31"),
        ("by the end of the week", "2026-03-06"),
        ("2026-03-20", "2026-03-20"),  # a bare date, when it is the whole text
    ],
)
def test_until_a_date_ends_when_that_day_ends(text: str, end_date: str) -> None:
    ask = parse(text)
    assert ask is not None
    named = date.fromisoformat(end_date)
    assert (ask.permanent, ask.end_date, ask.length) == (False, named, None)
    start_of_next_day = datetime.combine(named + timedelta(days=1), datetime.min.time(), BERLIN)
    assert ask.end == start_of_next_day.astimezone(UTC)


@pytest.mark.parametrize(
    ("text", "iso"),
    [("2 weeks", "P14D"), ("90 minutes", "PT1H30M"), ("3mo", "P3M"), ("for 48h", "PT48H")],
)
def test_relative_asks_keep_their_length(text: str, iso: str) -> None:
    ask = parse(text)
    assert ask is not None and ask.length is not None and ask.length.text == iso


def test_the_first_duration_in_the_text_wins() -> None:
    ask = parse("for 2 weeks, or until Friday if that is easier")
    assert ask is not None and ask.phrase == "for 2 weeks"


def test_iso_instant_ends_at_that_local_time() -> None:
    ask = parse("until 2026-03-20T18:00")
    assert ask is not None
    assert (ask.end, ask.end_date) == (utc("2026-03-20T17:00"), date(2026, 3, 20))


@pytest.mark.parametrize(
    ("text", "end"),
    [
        ("until March 30", "2026-03-30T22:00"),  # after the last Sunday of March: +02:00
        ("until March 28", "2026-03-28T23:00"),  # before it: +01:00
        ("for 30 days", "2026-04-03T14:00"),  # 16:00 on the wall clock, now in CEST
    ],
)
def test_across_the_dst_change(text: str, end: str) -> None:
    ask = parse(text)
    assert ask is not None and ask.end == utc(end)


@pytest.mark.parametrize("text", ["temporary", "temp", "temp access to github please"])
def test_temporary_without_an_end(text: str) -> None:
    ask = parse(text)
    assert ask is not None
    assert (ask.permanent, ask.end, ask.needs_end) == (False, None, True)


@pytest.mark.parametrize(
    "text",
    [
        "github write please",
        "same access as Priya",
        "for the payments migration",
        "until Blursday",
        "I check it twice a day",
        "approved by Dana",
        "",
    ],
)
def test_no_duration_stated(text: str) -> None:
    assert parse(text) is None


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ("until March 1", "March 1 is in the past"),
        ("until 2026-03-01", "2026-03-01 is in the past"),
        ("until 2026-03-04T10:00", "in the past"),
        ("for 0 days", "0 days"),
        ("for -3 days", "negative"),
        ("for 500 years", "too long"),
        ("for " + "9" * 5_000 + " days", "too long"),  # int() refuses over 4,300 digits
        ("until 2036-12-01", "too long"),
        ("until February 30", "February has no day 30"),
        ("until 3/20", "20 March"),
        ("until February 29", "not a date in 2026"),
        ("P0D", "zero"),
    ],
)
def test_errors_say_what_is_wrong(text: str, says: str) -> None:
    with pytest.raises(DurationError, match=says):
        parse(text)


def test_leading_zeros_past_what_int_reads_still_count() -> None:
    ask = parse("for " + "0" * 5_000 + "2 minutes")
    assert ask is not None and ask.end == NOW + timedelta(minutes=2)


def test_a_date_without_a_year_rolls_into_next_year_when_nearer() -> None:
    december = datetime(2026, 12, 20, 10, 0, tzinfo=BERLIN)
    ask = parse("until January 15", now=december)
    assert ask is not None and ask.end_date == date(2027, 1, 15)


def test_now_in_another_offset_is_read_in_the_org_zone() -> None:
    late_utc = datetime(2026, 3, 4, 23, 30, tzinfo=UTC)  # already Thursday in Berlin
    ask = parse("until end of day", now=late_utc)
    assert ask is not None and ask.end_date == date(2026, 3, 5)


@given(st.integers(min_value=1, max_value=365))
def test_for_n_days_ends_n_days_later(n: int) -> None:
    ask = parse(f"for {n} days")
    assert ask is not None and ask.end is not None
    local_end = ask.end.astimezone(BERLIN)
    assert ask.end > NOW
    assert local_end.date() == NOW.date() + timedelta(days=n) == ask.end_date
    assert local_end.time() == NOW.time()
    assert abs(ask.end - NOW - timedelta(days=n)) <= timedelta(hours=1)


@given(
    st.integers(min_value=1, max_value=365),
    st.datetimes(
        min_value=datetime(2020, 1, 1), max_value=datetime(2035, 1, 1), timezones=st.just(UTC)
    ),
)
def test_for_n_days_is_never_in_the_past(n: int, now: datetime) -> None:
    ask = parse(f"for {n} days", now=now)
    assert ask is not None and ask.end is not None and ask.end > now
    assert ask.end_date == now.astimezone(BERLIN).date() + timedelta(days=n)
