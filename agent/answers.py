"""Answers to the bot's own questions, mapped onto the candidates it offered.

"the second one" arrives from the model as selection ["2"]; "just github and jira"
as selection ["github", "jira"]. This maps them to candidate ids without the model:
numbers index the offered list, words match candidate labels or ids.
"""

from __future__ import annotations

import re

from agent.state import Picks, Question
from tools.base import Candidate


def _norm(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", " ", text.casefold()).strip()


def pick(choices: list[Candidate], selection: list[str]) -> list[str]:
    """Candidate ids the selection names, in the order given; unknown words are ignored."""
    picked: list[str] = []
    for raw in selection:
        text = _norm(raw)
        found = _by_number(choices, text) or _by_words(choices, text)
        picked.extend(i for i in found if i not in picked)
    return picked


def choice_number(text: str, count: int) -> int | None:
    """`text` as the number of one of `count` choices, else None. A run of digits longer
    than any choice number is none, so int() never reads it (it refuses 4,300 digits)."""
    if not text.isdecimal():
        return None
    digits = text.lstrip("0")
    number = int(digits or "0") if len(digits) <= len(str(count)) else 0
    return number if 1 <= number <= count else None


def _by_number(choices: list[Candidate], text: str) -> list[str]:
    if (number := choice_number(text, len(choices))) is not None:
        return [choices[number - 1].id]
    if text in {"last", "the last one", "last one"} and choices:
        return [choices[-1].id]
    return []


def _by_words(choices: list[Candidate], text: str) -> list[str]:
    if not text:
        return []
    exact = [c.id for c in choices if text in (_norm(c.label), _norm(c.id))]
    if exact:
        return exact
    words = set(text.split())
    return [
        c.id for c in choices if words <= set(_norm(c.label).split()) | set(_norm(c.id).split())
    ]


def apply_answer(
    question: Question | None, picks: Picks, *, selection: list[str], select_all: bool
) -> Picks:
    """New picks after an answer to `question` (the problems the bot last asked about)."""
    problems = [p for p in (question.problems if question else []) if p.choices]
    if not problems or not (selection or select_all):
        return picks
    problem = problems[0]
    choices = problem.choices
    ids = [c.id for c in choices] if select_all else pick(choices, selection)
    if not ids:
        return picks
    return _picked(picks, problem.slot, ids)


def _picked(picks: Picks, slot: str | None, ids: list[str]) -> Picks:
    if slot in ("entitlements", "apps", "request"):
        field = "requests" if slot == "request" else slot
        return picks.model_copy(update={field: ids})
    if slot == "identity":
        identities = {**picks.identities, ids[0].split(":", 1)[0]: ids[0]}
        return picks.model_copy(update={"identities": identities})
    if slot in ("reference", "beneficiary"):
        return picks.model_copy(update={slot: ids[0]})
    return picks
