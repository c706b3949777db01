"""A scripted model: returns the given Understandings in order, recording what it was asked."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from agent.ask import Ask, Understanding
from agent.models.port import ModelContext, Turn


class ScriptedModel:
    """Plays `turns` in order; each is an `Understanding`, an `Ask` or an Ask as a dict."""

    def __init__(
        self, *, turns: list[Understanding | Ask | Mapping[str, Any]], name: str = "scripted"
    ) -> None:
        self.name = name
        self._turns = [_understanding(t) for t in turns]
        self.asked: list[tuple[list[Turn], ModelContext]] = []

    def understand(self, turns: list[Turn], ctx: ModelContext) -> Understanding:
        self.asked.append((list(turns), ctx))
        if len(self.asked) > len(self._turns):
            raise AssertionError(
                f"{self.name} was asked {len(self.asked)} times; scripted {len(self._turns)}"
            )
        return self._turns[len(self.asked) - 1]


def _understanding(turn: Understanding | Ask | Mapping[str, Any]) -> Understanding:
    if isinstance(turn, Understanding):
        return turn
    ask = turn if isinstance(turn, Ask) else Ask.model_validate(turn)
    return Understanding(ask=ask, backend="scripted")
