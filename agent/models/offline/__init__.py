"""The offline model: deterministic understanding from the org's own names and rules.

It reads only the latest user message (the graph merges answers into the ask), so it
is fast, needs no network, and behaves the same on every run. It is the embedded
default and the OpenAI adapter's fallback.
"""

from __future__ import annotations

from collections.abc import Callable

from agent.ask import Understanding, Usage
from agent.models.offline.reading import understand
from agent.models.port import ModelContext, Turn
from domain.model.directory import Directory


class OfflineModel:
    name = "offline"

    def __init__(self, directory: Callable[[], Directory]) -> None:
        self._directory = directory

    def understand(self, turns: list[Turn], ctx: ModelContext) -> Understanding:
        last = next((t.text for t in reversed(turns) if t.role == "user"), "")
        ask = understand(self._directory(), last, ctx)
        return Understanding(ask=ask, usage=Usage(), backend=self.name)
