"""Reason matching: the user's "why" to one of the org's reasons (the card's dropdown)."""

from __future__ import annotations

import re

from rapidfuzz import fuzz, process

# Words that signal each of the commonly configured reasons. An org's own reason names
# are matched first; these only help when the user's words differ from the names.
_SIGNALS: dict[str, tuple[str, ...]] = {
    "project": ("project", "migration", "launch", "feature", "initiative", "build", "epic"),
    "role": (
        "role change",
        "new role",
        "moved to",
        "moving to",
        "transfer",
        "promotion",
        "promoted",
        "changed teams",
        "switching",
    ),
    "on-call": (
        "on-call",
        "oncall",
        "on call",
        "incident",
        "outage",
        "pager",
        "sev1",
        "sev2",
        "firefight",
        "rotation",
        "production issue",
        "prod issue",
        "hotfix",
    ),
    "onboarding": ("onboarding", "new hire", "just joined", "first week", "starting", "joined"),
    "audit": ("audit", "compliance", "sox", "soc 2", "soc2", "iso 27001", "auditor"),
}


def match_reason(reasons: list[str], text: str | None) -> str | None:
    """The org reason the words give, or None when they give none clearly."""
    if not text or not text.strip():
        return None
    lowered = text.casefold()
    for reason in reasons:
        if reason.casefold() == lowered.strip():
            return reason
    best = process.extractOne(lowered, [r.casefold() for r in reasons], scorer=fuzz.ratio)
    if best is not None and best[1] >= 85:
        return reasons[best[2]]
    for reason in reasons:
        for signal_key, words in _SIGNALS.items():
            if signal_key in reason.casefold() and _mentions(lowered, words):
                return reason
    return None


def _mentions(text: str, words: tuple[str, ...]) -> bool:
    return any(re.search(rf"(?<!\w){re.escape(w)}", text) for w in words)
