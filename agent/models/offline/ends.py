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
            r"\b(?:make\s+it\s+|let\s+it\s+|have\s+it\s+|to\s+|should\s+|it\s+)?"
            r"(?:(?:end|ends|ending|expire|expires|expiring)(?:\s+(?:on|at|by|until|till))?|"
            r"(?:finish|finishes|stop|stops|run|runs)\s+(?:on|at|by|until|till))"
            r"\s+(?!of\b|date\b|time\b)(?=\w)",
            _I,
        ),
        "until ",
    ),
    (re.compile(rf"\b(?:another|one\s+more|an\s+extra|an\s+additional)\s+(?={_UNIT}\b)", _I), "a "),
    (re.compile(rf"\b(\d+|a|an|two|three|four|five|six|few)\s+(?:more|extra|additional)\s+(?={_UNIT}\b)", _I), r"\1 "),
)


def end_words(text: str) -> str:
    """`text` with the end said the way the duration grammar reads it."""
    for pattern, repl in _REWRITES:
        text = pattern.sub(repl, text)
    return text
