"""How long access should last, read from what a person typed.

Deterministic and clock-free: `now` and the org's zone are passed in. "until Friday"
means until Friday ends in the org's zone, so its `end` is the start of Saturday there
and its `end_date` is Friday. "for 2 weeks" keeps its `length` as well as its end: the
end is counted from `now`, and the length lets a later step count it from the grant.
Days, weeks and months are counted on the local calendar (16:00 stays 16:00 across a
DST change); hours and minutes are elapsed time.
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from domain.errors import DomainError
from domain.model.isoduration import IsoDuration, parse_iso_duration

LONGEST = IsoDuration(months=120, text="P10Y")


class DurationError(DomainError, ValueError):
    """The words name a duration that cannot be used (past, zero, too long, no such date)."""

    code = "invalid_duration"


@dataclass(frozen=True)
class DurationAsk:
    phrase: str  # the words read as the duration
    permanent: bool = False
    end: datetime | None = None  # UTC; access ends at this instant
    end_date: date | None = None  # the named date, or the local date of a relative end
    length: IsoDuration | None = None  # set for relative asks ("for 2 weeks")

    @property
    def needs_end(self) -> bool:
        """Temporary, but no end was given: someone must ask until when."""
        return not self.permanent and self.end is None


def end_after(length: IsoDuration, *, now: datetime, tz: ZoneInfo) -> datetime:
    """`length` after `now`, in UTC: days and months on the local calendar, the rest elapsed."""
    calendar_part = IsoDuration(months=length.months, days=length.days)
    moved = calendar_part.after(now.astimezone(tz)).astimezone(UTC)
    return moved + timedelta(seconds=length.seconds)


def end_of_day(day: date, tz: ZoneInfo) -> datetime:
    """The instant `day` ends in `tz` (the start of the next local day), in UTC."""
    return datetime.combine(day + timedelta(days=1), time(), tz).astimezone(UTC)


def parse_duration(text: str, *, now: datetime, tz: ZoneInfo) -> DurationAsk | None:
    """The duration `text` states, or None when it states none.

    Raises DurationError when it states one that cannot be used. When several are
    stated, the first one in the text wins.
    """
    if match := _NEGATIVE.search(text):
        raise DurationError(f'"{match.group()}" is negative: say how long, e.g. "for 3 days"')
    today = now.astimezone(tz).date()
    found = [(m, build) for pattern, build in _RULES for m in pattern.finditer(text)]
    if found:
        m, build = min(found, key=lambda f: (f[0].start(), -len(f[0].group())))
        return _checked(build(m, today, now, tz), now, tz)
    if match := _NOT_PERMANENT.search(text) or _TEMPORARY.search(text):
        return DurationAsk(phrase=match.group())
    if match := _PERMANENT.search(text):
        return DurationAsk(phrase=match.group(), permanent=True)
    return None


# --- relative asks: "for 2 weeks", "12h", "P14D" -------------------------------------
_WORDS: tuple[str, ...] = ("one", "two", "three", "four", "five", "six", "seven", "eight")
_WORDS += ("nine", "ten", "eleven", "twelve")
_NUMBER = {w: n for n, w in enumerate(_WORDS, start=1)} | {"a": 1, "an": 1, "couple": 2}
_RELATIVE = re.compile(
    r"(?<!\bonce\s)(?<!\btwice\s)(?<!\bper\s)(?<!\bevery\s)"
    r"(?:\bfor\s+(?:the\s+(?:next\s+)?)?|\bnext\s+)?\b"
    r"(?:(?P<digits>\d+)\s*-?\s*|(?:a\s+)?(?P<word>couple|an?|"
    + "|".join(_WORDS)
    + r")(?:\s+of)?[\s-]+)"
    r"(?P<unit>minutes?|mins?|hours?|hrs?|days?|dyas?|weeks?|wee?kk?s?|wks?|fortnights?|"
    r"months?|mo?nths?|monhts?|mos?|years?|yrs?)"
    r"\b(?!\s+ago\b)",
    re.IGNORECASE,
)
_SHORT = re.compile(
    r"(?<![\w:./-])(?:\bfor\s+|--duration[=\s]\s*)?(?P<digits>\d+)(?P<unit>mo|[mhdwy])\b",
    re.IGNORECASE,
)
_ISO = re.compile(r"(?<!\w)P(?=\d|T\d)(?:\d+[YMWD])*(?:T(?:\d+[HMS])+)?(?!\w)")
_NEGATIVE = re.compile(r"\bfor\s+-\s*\d+", re.IGNORECASE)


def _unit(unit: str) -> tuple[int, int]:
    """(months, seconds) in one `unit`."""
    u = unit.lower()
    if u.startswith(("mo", "mn")):
        return 1, 0
    seconds = {"m": 60, "h": 3600, "d": 86_400, "w": 604_800, "f": 1_209_600, "y": 0}[u[0]]
    return (12 if u[0] == "y" else 0), seconds


def _relative(m: re.Match[str], today: date, now: datetime, tz: ZoneInfo) -> DurationAsk:
    phrase = " ".join(m.group().split())
    count = _count(m)
    months, seconds = _unit(m["unit"])
    if count == 0:
        raise DurationError(f'"{phrase}" is no time at all: say how long, e.g. "for 3 days"')
    if count * months > LONGEST.months or count * seconds > 3700 * 86_400:
        raise DurationError(f'"{phrase}" is too long: the most anyone can ask for is 10 years')
    days, rest = divmod(count * seconds, 86_400) if seconds >= 86_400 else (0, count * seconds)
    length = IsoDuration(count * months, days, rest, _iso_text(count * months, days, rest))
    return _lasting(phrase, length, now, tz)


def _count(m: re.Match[str]) -> int:
    """How many units, in digits or a word. Digits past any allowed length count as
    10**12, which is too long in every unit, so int() never reads a run of thousands."""
    digits = m.groupdict().get("digits")
    if not digits:
        return _NUMBER[(m.groupdict().get("word") or "a").lower()]
    significant = digits.lstrip("0")
    return int(significant or "0") if len(significant) <= 12 else 10**12


def _iso_text(months: int, days: int, seconds: int) -> str:
    (years, months), (hours, rest) = divmod(months, 12), divmod(seconds, 3600)
    day_part = "".join(f"{n}{u}" for n, u in ((years, "Y"), (months, "M"), (days, "D")) if n)
    time_part = "".join(
        f"{n}{u}" for n, u in ((hours, "H"), *zip(divmod(rest, 60), "MS", strict=True)) if n
    )
    return f"P{day_part}" + (f"T{time_part}" if time_part else "")


def _iso_length(m: re.Match[str], today: date, now: datetime, tz: ZoneInfo) -> DurationAsk:
    try:
        length = parse_iso_duration(m.group())
    except ValueError as exc:
        raise DurationError(str(exc)) from exc
    return _lasting(m.group(), length, now, tz)


def _lasting(phrase: str, length: IsoDuration, now: datetime, tz: ZoneInfo) -> DurationAsk:
    end = end_after(length, now=now, tz=tz)
    return DurationAsk(phrase, end=end, end_date=end.astimezone(tz).date(), length=length)


# --- until a date: "until Friday", "EOM", "through March 20" -------------------------
_PREP = (
    r"(?:\b(?:until|untill|unitl|untl|till|til|through|thru|by)|'til|\bup\s+(?:to|until))"
    r"\s+(?:the\s+)?"
)
_OPT = rf"(?:{_PREP})?\b"
_WEEKDAYS = (
    r"mon(?:day)?|tue(?:s(?:day)?)?|wed(?:nesday)?|thu(?:r(?:s(?:day)?)?)?|fri(?:day)?"
    r"|sat(?:urday)?|sun(?:day)?"
)
_MONTHS = (
    r"jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?"
    r"|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?"
)
_MONTH_NAMES: tuple[str, ...] = ("January", "February", "March", "April", "May", "June")
_MONTH_NAMES += ("July", "August", "September", "October", "November", "December")
_DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_YEAR = r"(?:,?\s+(?P<year>\d{4})\b)?"
_REST_OF = r"(?:\bfor\s+)?(?:\bthe\s+)?\brest\s+of\s+(?:the\s+|this\s+)?"
_EOD = (
    rf"{_OPT}(?:end\s+of\s+(?:the\s+)?(?:day|today|business(?:\s+day)?)|eod|cob)\b"
    rf"|{_PREP}(?:today|tonight)\b|{_REST_OF}day\b|\b(?:just\s+)?for\s+today\b"
)


def _this_week_end(today: date) -> date:
    """Friday of this week; on a weekend, this Sunday."""
    wd = today.weekday()
    return today + timedelta(days=4 - wd if wd <= 4 else 6 - wd)


def _next_month_end(today: date) -> date:
    first = today.replace(day=1) + timedelta(days=32)
    return _month_end(first.year, first.month)


def _month_end(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


def _weekday(m: re.Match[str], today: date) -> date:
    target = _DAYS.index(m["wd"][:3].lower())
    which = "next" if m["later"] else (m["which"] or "").lower()
    if which == "next":  # the one in next week (Monday to Sunday)
        return today + timedelta(days=7 - today.weekday() + target)
    ahead = (target - today.weekday()) % 7
    return today + timedelta(days=ahead or (0 if which == "this" else 7))


def _maybe_date(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None


def _named_date(m: re.Match[str], today: date) -> date:
    """A month and day (or a whole month); without a year, the nearer of this and next year's."""
    month = [n[:3].lower() for n in _MONTH_NAMES].index(m["mon"][:3].lower()) + 1
    name, day = _MONTH_NAMES[month - 1], int(m.groupdict().get("day") or 0)
    if day and not 1 <= day <= calendar.monthrange(2000, month)[1]:
        raise DurationError(f"{name} has no day {day}")

    def on(year: int) -> date | None:
        return _maybe_date(year, month, day) if day else _month_end(year, month)

    year = int(m["year"]) if m["year"] else today.year
    this, later = on(year), None if m["year"] else on(year + 1)
    if this is not None and (this >= today or later is None):
        return this  # a date in the past is refused by _checked
    if later is not None and (this is None or later - today < today - this):
        return later
    if this is None:
        raise DurationError(f"{name} {day} is not a date in {year}")
    return this


def _iso_date(m: re.Match[str], today: date) -> date | datetime:
    text = m["iso"]
    try:
        parsed = datetime.fromisoformat(text)
    except ValueError as exc:
        raise DurationError(f"{text} is not a date: write it like 2026-03-20") from exc
    return parsed if len(text) > 10 else parsed.date()


def _day_of_month(m: re.Match[str], today: date) -> date:
    """ "until the 20th": that day of this month, or of next month when it has passed."""
    day = int(m["dom"])
    year, month = today.year, today.month
    if day < today.day:
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    found = _maybe_date(year, month, day)
    if found is None:
        raise DurationError(f"there is no {m['dom']}th in that month: name the date in full")
    return found


def _ambiguous(m: re.Match[str], today: date) -> date:
    raise DurationError(
        f"{m['num']} could be day/month or month/day: write it like 20 March or 2026-03-20"
    )


_Build = Callable[[re.Match[str], date, datetime, ZoneInfo], DurationAsk]


def _until(resolve: Callable[[re.Match[str], date], date | datetime]) -> _Build:
    def build(m: re.Match[str], today: date, now: datetime, tz: ZoneInfo) -> DurationAsk:
        phrase = " ".join(m.group().split())
        target = resolve(m, today)
        if isinstance(target, datetime):
            end = target.replace(tzinfo=target.tzinfo or tz).astimezone(UTC)
            return DurationAsk(phrase, end=end, end_date=end.astimezone(tz).date())
        if target.year > today.year + 11:
            raise DurationError(f'"{phrase}" is too long: the most anyone can ask for is 10 years')
        return DurationAsk(phrase, end=end_of_day(target, tz), end_date=target)

    return build


_ISO_DATE = r"(?P<iso>\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2})?(?:Z|[+-]\d{2}:?\d{2})?)?)"
_DATE_RULES: list[tuple[str, Callable[[re.Match[str], date], date | datetime]]] = [
    (_EOD, lambda m, t: t),
    (rf"{_OPT}end\s+of\s+tomorrow\b|{_PREP}tomorrow\b", lambda m, t: t + timedelta(days=1)),
    (rf"{_OPT}end\s+of\s+next\s+week\b", lambda m, t: _this_week_end(t) + timedelta(days=7)),
    (
        rf"{_OPT}(?:end\s+of\s+(?:the\s+|this\s+)?week|eow)\b|{_REST_OF}week\b",
        lambda m, t: _this_week_end(t),
    ),
    (rf"{_OPT}end\s+of\s+next\s+month\b", lambda m, t: _next_month_end(t)),
    (
        rf"{_OPT}(?:end\s+of\s+(?:the\s+|this\s+)?month|eom)\b|{_REST_OF}month\b",
        lambda m, t: _month_end(t.year, t.month),
    ),
    (rf"{_OPT}(?:end\s+of\s+(?:the\s+|this\s+)?year|eoy)\b", lambda m, t: date(t.year, 12, 31)),
    (
        rf"{_PREP}(?:(?P<which>this|next|coming)\s+)?(?P<wd>{_WEEKDAYS})\b(?P<later>\s+next\s+week)?",
        _weekday,
    ),
    (rf"{_PREP}{_ISO_DATE}(?![\w:])", _iso_date),
    (rf"^\s*{_ISO_DATE}\s*$", _iso_date),  # a bare date, when it is the whole text
    (rf"{_PREP}(?P<mon>{_MONTHS})\.?\s+(?P<day>\d{{1,2}})(?:st|nd|rd|th)?\b{_YEAR}", _named_date),
    (
        rf"{_PREP}(?P<day>\d{{1,2}})(?:st|nd|rd|th)?\s+(?:of\s+)?(?P<mon>{_MONTHS})\b\.?{_YEAR}",
        _named_date,
    ),
    (rf"{_PREP}(?:end\s+of\s+)?(?P<mon>{_MONTHS})\b{_YEAR}", _named_date),
    (rf"{_PREP}(?P<dom>\d{{1,2}})(?:st|nd|rd|th)\b(?!\s+(?:of\s+)?(?:{_MONTHS}))", _day_of_month),
    (rf"{_PREP}(?P<num>\d{{1,2}}[/.]\d{{1,2}}(?:[/.]\d{{2,4}})?)(?!\d)", _ambiguous),
]
_RULES: list[tuple[re.Pattern[str], _Build]] = [
    (_RELATIVE, _relative),
    (_SHORT, _relative),
    (_ISO, _iso_length),
    *((re.compile(p, re.IGNORECASE), _until(resolve)) for p, resolve in _DATE_RULES),
]

# --- no end stated -------------------------------------------------------------------
_NOT_PERMANENT = re.compile(r"\b(?:not|non)[\s-]?permanent(?:ly)?\b", re.IGNORECASE)
_PERMANENT = re.compile(
    r"\b(?:permanent(?:ly)?|perm[ae]n[ae]n?t(?:ly)?|permanet(?:ly)?|perm|forever|indefinitely|no\s+end(?:\s+date)?|no\s+expir(?:y|ation)"
    r"|never\s+expires?|without\s+(?:an\s+)?(?:end\s+date|expiry))\b",
    re.IGNORECASE,
)
_TEMPORARY = re.compile(
    r"\b(?:temporary|temporarily|temp|short[\s-]term|for\s+now|for\s+a\s+while)\b",
    re.IGNORECASE,
)


def _checked(ask: DurationAsk, now: datetime, tz: ZoneInfo) -> DurationAsk:
    assert ask.end is not None
    if ask.end <= now:
        said = re.sub(rf"^{_PREP}", "", ask.phrase, flags=re.IGNORECASE)
        raise DurationError(f"{said[:1].upper()}{said[1:]} is in the past")
    if ask.end > end_after(LONGEST, now=now, tz=tz):
        raise DurationError(f'"{ask.phrase}" is too long: the most anyone can ask for is 10 years')
    return ask
