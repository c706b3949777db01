"""Folding a turn's Ask into the conversation's ask: new requests replace, answers fill."""

from __future__ import annotations

from typing import Any

from agent.ask import Ask

_RESETS_CHOICES = ("beneficiary", "access_like", "reference", "kind")


def merge(current: dict[str, Any], ask: Ask) -> tuple[dict[str, Any], bool]:
    """The merged ask, and whether earlier picks (which grants, which account) still hold."""
    fields = ask.model_dump(exclude={"action", "refusal", "selection"})
    if ask.action == "request" or not current:
        return {k: v for k, v in fields.items() if v not in (None, [], False)}, False
    merged = dict(current)
    keep_picks = True
    for name, value in fields.items():
        if value in (None, [], False):
            continue
        if name in _RESETS_CHOICES and merged.get(name) != value:
            keep_picks = False
        if name == "entitlements" and merged.get("access_like") not in (None, "custom"):
            keep_picks = False
        merged[name] = value
    return merged, keep_picks
