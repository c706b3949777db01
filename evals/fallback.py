"""Turns another model answered: an eval of `--model openai` whose endpoint failed was
scored on the offline fallback. The count is always said; without `--allow-fallback`
any such turn fails the eval and its figures are not shown as the model's."""

from __future__ import annotations

from typing import Any


def fallback_line(summary: dict[str, Any]) -> str:
    turns, fell = summary.get("turns", 0), summary.get("fallback_turns", 0)
    return f"{fell} of {turns} turn(s) fell back to the offline model."


def refused(summary: dict[str, Any], *, allow_fallback: bool) -> bool:
    """True when the figures are not the chosen model's and that was not allowed."""
    return not allow_fallback and summary.get("fallback_turns", 0) > 0


def not_the_models(model: str, summary: dict[str, Any]) -> str:
    return (
        f"these are NOT {model}'s figures: {fallback_line(summary)} "
        "(--allow-fallback reports them anyway)"
    )
