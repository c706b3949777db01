"""ISO-8601 durations ("P180D", "P2W", "PT12H", "P1Y6M") as used by max_duration caps.

Months and years are calendar units: "P1M" from 31 January ends on the last day of
February, so a duration is applied to a start instant rather than turned into seconds
(with dateutil's `relativedelta`, which clamps to the month's last day).

The parser is ours rather than `isodate.parse_duration` on purpose: isodate folds days
and hours into one `timedelta`, so "P1D" and "PT24H" come out equal, while access that
lasts "P1D" ends at the same local time tomorrow, across a daylight-saving change too.
Here days (and weeks) stay calendar units and only the time part is elapsed seconds.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta

from dateutil.relativedelta import relativedelta

_ISO = re.compile(
    r"^P(?!$)(?:(?P<y>\d+)Y)?(?:(?P<mo>\d+)M)?(?:(?P<w>\d+)W)?(?:(?P<d>\d+)D)?"
    r"(?:T(?=\d)(?:(?P<h>\d+)H)?(?:(?P<mi>\d+)M)?(?:(?P<s>\d+)S)?)?$"
)


@dataclass(frozen=True, order=True)
class IsoDuration:
    months: int = 0
    days: int = 0
    seconds: int = 0
    text: str = ""

    def after(self, start: datetime) -> datetime:
        """The instant this duration after `start` (calendar-aware for months)."""
        moved: datetime = start + relativedelta(months=self.months)
        return moved + timedelta(days=self.days, seconds=self.seconds)

    def __str__(self) -> str:
        return self.text


def parse_iso_duration(text: str) -> IsoDuration:
    """Parse an ISO-8601 duration; ValueError with a readable message when it is not one."""
    match = _ISO.match(text.strip().upper())
    if match is None:
        raise ValueError(f'"{text}" is not an ISO-8601 duration (e.g. P30D, P2W, PT12H)')
    g = {k: int(v) if v else 0 for k, v in match.groupdict().items()}
    parsed = IsoDuration(
        months=g["y"] * 12 + g["mo"],
        days=g["w"] * 7 + g["d"],
        seconds=g["h"] * 3600 + g["mi"] * 60 + g["s"],
        text=text.strip(),
    )
    if parsed.months == parsed.days == parsed.seconds == 0:
        raise ValueError(f'"{text}" is a zero duration')
    return parsed
