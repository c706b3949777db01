"""Items named in a message, each with what the words around it do to it.

"without snowflake and 1password" removes both; "also datadog standard" adds;
"just github", "only 1 and 3" keep only those; "all except X" removes X. A cue governs
the items after it in its clause; "X too" / "X isn't needed" govern the items before
them; a clause with items and no cue carries on the previous clause's cue ("drop
snowflake, 1password and looker"). Item text is the words as typed (normalised), or the
card's item number.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from agent.models.offline import patterns as P
from agent.models.offline.spans import Reading, levels_near, read
from domain.model.directory import Directory
from tools.change_models import ChangeOp

# Multi-word cues first become one word, so cues are read word by word.
_PHRASES = (
    (
        r"\b(?:all|everything|anything|the\s+rest)\s+(?:but|except(?:\s+for)?|apart\s+from|"
        r"other\s+than|besides|save)\b",
        " except ",
    ),
    (r"\bnothing\s+(?:but|except|other\s+than)\b", " only "),
    (
        r"\b(?:get\s+rid\s+of|take\s+(?:off|out|away)|leave\s+(?:out|off)|no\s+need\s+for|"
        r"do\s+not\s+(?:need|want)|don'?t\s+(?:need|want)|dont\s+(?:need|want)|"
        r"no\s+longer\s+(?:need|want)|instead\s+of|rather\s+than|"
        r"not\s+including)\b",
        " without ",
    ),
    (r"\b(?:take|kick|boot|knock|strike)\s+((?:[\w'-]{1,64}\s+){1,6}?)off\b", r" without \1"),
    (r"\b(?:as\s+well|in\s+addition|on\s+top)\b", " too "),
    (
        r"\b(?:not|isn'?t|aren'?t|no\s+longer)\s+(?:needed|necessary|required|wanted)\b|"
        r"\bcan\s+go\b",
        " unneeded ",
    ),
    (r"\b(?:throw|put|chuck)\s+in\b|\band\s+also\b", " add "),
)
_PHRASE_RES = tuple((re.compile(p, re.IGNORECASE), r) for p, r in _PHRASES)
_CLAUSE = re.compile(r"[,;.!?\n]+|\bbut\b|\bthen\b", re.IGNORECASE)

_BEFORE: dict[str, ChangeOp] = {
    **dict.fromkeys(
        "without drop remove delete minus except exclude excluding untick uncheck unselect "
        "deselect lose cut skip not no omit strike scrap ditch".split(),
        ChangeOp.REMOVE,
    ),
    **dict.fromkeys("just only keep solely purely".split(), ChangeOp.ONLY),
    **dict.fromkeys("also add plus include including and with".split(), ChangeOp.ADD),
}
_SWAP = frozenset("swap replace switch exchange substitute".split())  # "swap X for Y"
_SWAP_TO = frozenset("for with to by into".split())
_AFTER: dict[str, ChangeOp] = {
    "too": ChangeOp.ADD,
    "unneeded": ChangeOp.REMOVE,
}
_WEAK = frozenset({"and", "with"})  # add only at the start of a clause ("and X too")
_NUMBERED = frozenset({ChangeOp.REMOVE, ChangeOp.ONLY})


@dataclass(frozen=True)
class Item:
    op: ChangeOp | None  # None: no cue governs it (a plain mention)
    text: str
    cued: bool = True  # False: only a word after it ("X too") or an earlier clause says so


def items_with_ops(directory: Directory, text: str) -> list[Item]:
    """Every item the text names, in order, with the operation its words give it."""
    for pattern, repl in _PHRASE_RES:
        text = pattern.sub(repl, text)
    out: list[Item] = []
    carried: ChangeOp | None = None
    for clause in _CLAUSE.split(text):
        reading = read(directory, clause)
        found, carried = _clause_items(directory, reading, carried)
        out += found
    return out


def _clause_items(
    directory: Directory, reading: Reading, carried: ChangeOp | None
) -> tuple[list[Item], ChangeOp | None]:
    named = _named(directory, reading)
    after = next((_AFTER[w] for w in reading.words if w in _AFTER), None)
    out: list[Item] = []
    op: ChangeOp | None = None
    swapping = False
    for i, word in enumerate(reading.words):
        if word in _BEFORE and (word not in _WEAK or i == 0):
            op = _BEFORE[word]
        elif word in _SWAP:
            op, swapping = ChangeOp.REMOVE, True
        elif swapping and word in _SWAP_TO:
            op = ChangeOp.ADD
        texts = named.get(i) or ([n] if op in _NUMBERED and (n := _number(word)) else [])
        out += [Item(op or after or carried, text, cued=op is not None) for text in texts]
    last = op or after
    return out, (last if last is not None else (carried if out else None))


def _named(directory: Directory, reading: Reading) -> dict[int, list[str]]:
    """Word position -> the item texts of the app or entitlement named there."""
    found: dict[int, list[str]] = {}
    for span in reading.spans:
        if span.kind == "entitlement" and not _is_state(reading, span.start):
            found[span.start] = [span.text]  # "I'm on-call" says why, not what
        elif span.kind == "app":
            levels = levels_near(directory, reading, span)
            found[span.start] = [f"{span.text} {lvl}" for lvl in levels] or [span.text]
    return found


def _is_state(reading: Reading, start: int) -> bool:
    return reading.words[start - 1 : start] in (["i"], ["m"], ["im"], ["am"], ["be"])


def _number(word: str) -> str | None:
    if word.isdigit() and len(word) <= 2 and word != "0":
        return word
    return P.ORDINALS.get(word) if word != "one" else None  # "the admin one" is no number
