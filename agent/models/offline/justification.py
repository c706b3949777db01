"""The requester's own justification, as typed (docs/specs/conversation.md §1).

"for the payments migration", "because I'm covering on-call for Kevin", "reason:
incident 4411". The words are kept as typed for the card and the approvers; the part of
the message they take is read as nothing else, so "covering on-call for Kevin" never
makes Kevin the beneficiary and "for the audit" never adds an item.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from agent.models.offline.spans import Reading, read
from domain.model.directory import Directory
from domain.model.durations import DurationError, parse_duration
from tools.reasons import match_reason

_I = re.IGNORECASE
# A label: the value after it, to the end of its sentence.
_LABEL = re.compile(r"\b(?:reason|justification|purpose)\s*(?:is|was|being|:|=|-)\s*", _I)
_FLAG = re.compile(r"--reason[=\s]+(\"[^\"]+\"|'[^']+'|\S+)", _I)
# Strong cues: what follows is why, whoever or whatever it names.
_STRONG = re.compile(
    r"\b(?:because|cause|since\s+(?:i|we|my|our|the|there|it|he|she|they)\b|as\s+(?:i|we)(?:'m|\s+am|'re|\s+are)?|due\s+to|needed\s+for|"
    r"required\s+for|so\s+(?:that\s+)?(?:i|we|they|he|she)\s+can|in\s+order\s+to|"
    r"to\s+work\s+on|to\s+help\s+with|working\s+on|(?:i'?m|i\s+am|we'?re|we\s+are)\s+(?:covering|working\s+on|"
    r"helping|standing\s+in|filling\s+in|backfilling|on[-\s]?call|investigating|debugging|"
    r"preparing|handling|running|leading|doing)|covering\s+(?:for|on[-\s]?call)|"
    r"standing\s+in\s+for|filling\s+in\s+for|"
    # "to debug the terraform migration": a purpose, said with a verb of work
    r"(?:so\s+as\s+)?to\s+(?:debug|fix|investigate|troubleshoot|review|audit|test|deploy|"
    r"migrate|monitor|analy[sz]e|build|prepare|finish|complete|support|onboard|ship|release|"
    r"look\s+into|dig\s+into|check\s+on|clean\s+up|set\s+up)\b(?!\s+(?:access|permissions?)\b))\b",
    _I,
)
# Weak cues: only when what follows is not a duration, a person, an app, a role or a title.
_WEAK = re.compile(r"\bfor\s+(?:the|a|an|our|this|that|some|upcoming)\b", _I)
_STOP = re.compile(
    r"[.;:!?\n]|,\s|\s[-\u2013\u2014]\s|"
    r"\b(?:and|so)\s+(?:i\s+|we\s+)?(?:need|want|would|request|please|can|could|give)\b",
    re.IGNORECASE,
)
_SENTENCE_STOP = re.compile(r"[.;!?\n]")
_TAIL_DURATION = re.compile(
    r"[\s,]+(?:for|until|till|til|through|thru|by)\s+[^,.;]{1,30}$|[\s,]+permanent(?:ly)?$", _I
)
_NAMED = frozenset({"person", "app", "entitlement", "role", "title"})


@dataclass(frozen=True)
class Justification:
    text: str
    start: int  # where its words start in the message (to read the rest without them)
    end: int


def find_justification(
    directory: Directory, text: str, now: str, *, weak_cues: bool = True
) -> Justification | None:
    """The first justification the message gives, as typed. `weak_cues=False` when "for the
    new intern" may answer who the access is for."""
    flag = _FLAG.search(text)
    if flag:
        return Justification(flag.group(1).strip("\"'"), flag.start(), flag.end())
    label = _LABEL.search(text)
    if label:
        return _until(text, label.start(), label.end(), _SENTENCE_STOP, now, directory)
    strong = _STRONG.search(text)
    weak = _weak(directory, text, now) if weak_cues else None
    if strong and (weak is None or strong.start() <= weak.start):
        return _until(text, strong.start(), strong.start(), _STOP, now, directory, strong.end())
    return weak


def _weak(directory: Directory, text: str, now: str) -> Justification | None:
    for cue in _WEAK.finditer(text):
        found = _until(text, cue.start(), cue.start(), _STOP, now, directory)
        if found is not None and not _names_something(directory, found.text, now):
            return found
    return None


def _until(
    text: str,
    start: int,
    value: int,
    stop: re.Pattern[str],
    now: str,
    directory: Directory,
    after: int | None = None,
) -> Justification | None:
    """The words from `value` to the next stop at or after `after` (the cue's own words,
    "so I can", are no stop)."""
    end_match = stop.search(text, value if after is None else after)
    end = end_match.start() if end_match else len(text)
    words = text[value:end]
    trimmed = _TAIL_DURATION.sub("", words) if _is_duration(directory, words, now) else words
    trimmed = trimmed.strip(" \t,:-\"'")
    if not trimmed:
        return None
    return Justification(trimmed, start, value + len(words))


def _names_something(directory: Directory, words: str, now: str) -> bool:
    """ "for a week", "for the new SRE", "for the github org": not a justification."""
    head = " ".join(words.split()[:4])
    if _is_duration(directory, head, now):
        return True
    return any(s.kind in _NAMED for s in read(directory, head).spans)


def _is_duration(directory: Directory, words: str, now: str) -> bool:
    if not now:
        return False
    try:
        return (
            parse_duration(words, now=datetime.fromisoformat(now), tz=directory.timezone)
            is not None
        )
    except DurationError:
        return True


def why_fields(
    why: Justification | None, reading: Reading, own: str, reasons: tuple[str, ...]
) -> dict[str, Any]:
    """The justification as typed, and the org reason it (or the rest) matches."""
    out: dict[str, Any] = {}
    flag = _FLAG.search(own)
    if why is not None:
        out["justification"] = why.text
        out["reason"] = match_reason(list(reasons), why.text) or why.text
    elif flag is None:
        matched = match_reason(list(reasons), _without_items(reading))
        if matched:
            out["reason"] = matched
    return out


def _without_items(reading: Reading) -> str:
    """The words of the message that name no app or entitlement ("pagerduty" is no pager)."""
    named = {
        i for s in reading.spans if s.kind in ("app", "entitlement") for i in range(s.start, s.end)
    }
    return " ".join(w for i, w in enumerate(reading.words) if i not in named)
