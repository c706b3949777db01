"""Ways of saying an end that the duration grammar reads another way.

"make it end on 20 December" is "until 20 December"; "another week", "one more week"
and "3 more days" are "a week" and "3 days" (an extension counts them itself). The
duration grammar (domain/model/durations.py) then reads the result as usual.
"""

from __future__ import annotations

import re

_I = re.IGNORECASE
_UNIT = r"(?:minutes?|mins?|hours?|hrs?|days?|weeks?|wks?|months?|years?)"
_REWRITES = (
    (
        re.compile(
            r"\b(?:(?:change|set|move|push|update|bump)\s+(?:the\s+|its\s+)?(?:end|expiry|"
            r"expiration)(?:\s+date)?\s+to|(?:end|expiry|expiration)\s+date\s*(?:to|is|:|=))\s*",
            _I,
        ),
        "until ",
    ),
    (
        re.compile(
            r"\b(?:make\s+it\s+|let\s+it\s+|have\s+it\s+|to\s+|should\s+|it\s+)?"
            r"(?<![\w-])(?:(?:end|ends|ending|expire|expires|expiring|finish|finishes|stop|stops|"
            r"run|runs)\s+(?:on|at|by|until|till)|(?:end|ends|ending|expire|expires|expiring)"
            r"(?=\s+(?:the\s+)?(?:\d|next\b|this\b|tomorrow\b|today\b|mon|tue|wed|thu|fri|sat|"
            r"sun|jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)))\s+",
            _I,
        ),
        "until ",
    ),
    (re.compile(rf"\b(?:another|one\s+more|an\s+extra|an\s+additional)\s+(?={_UNIT}\b)", _I), "a "),
    (
        re.compile(
            rf"\b(\d+|a|an|two|three|four|five|six|few)\s+(?:more|extra|additional)\s+(?={_UNIT}\b)",
            _I,
        ),
        r"\1 ",
    ),
)


_DAY = (
    r"(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday|"
    r"mon|tue|tues|wed|thu|thur|thurs|fri)"  # not "sat", "sun": words of their own
)
_LAST_DAY = re.compile(rf"(?<![\w-])(\w+)?(\s+)({_DAY})\s*[.!]?\s*$", _I)
_DAY_CUES = frozenset(
    "until till til by on from next this since before after starting last every".split()
)


# "Dana is out till Monday": someone's absence, not the end of the access.
_AWAY = re.compile(
    r"\b(?:is|are|am|i'?m|he'?s|she'?s|they'?re|will\s+be|'s)\s+(?:out|away|off|back|on\s+"
    r"(?:leave|vacation|holiday|pto|sick\s+leave)|travel+ing|unavailable|ooo)\s+"
    r"(?:till|until|til|through|thru|to|from)\s+[\w.]{1,32}(?:\s+\d{1,2}(?:st|nd|rd|th)?)?",
    _I,
)


def without_absences(text: str) -> str:
    """`text` without the ends of someone's absence ("Dana is out till Monday"), which
    say who answers when, not when the access ends."""
    return _AWAY.sub(" ", text)


def end_words(text: str) -> str:
    """`text` with the end said the way the duration grammar reads it."""
    for pattern, repl in _REWRITES:
        text = pattern.sub(repl, text)
    return _last_day(text)


def _last_day(text: str) -> str:
    """ "gh write fri": a weekday ending the message, with no word of its own before it,
    is the last day ("until fri")."""
    cut = max(0, len(text.rstrip()) - 48)  # the last words only: linear on any text (rule 7)
    m = _LAST_DAY.search(text, cut)
    if m is None or m.group(1) is None or m.group(1).casefold() in _DAY_CUES:
        return text
    return f"{text[: m.start(3)]}until {text[m.start(3) :]}"
