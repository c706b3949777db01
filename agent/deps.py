"""What the graph needs from the outside world, passed in once at build time."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from agent.models.port import Model
from domain.model.directory import Directory
from domain.ports import Clock
from tools.base import PendingLookup, RequestLookup, ToolContext


@dataclass(frozen=True)
class AgentDeps:
    model: Model
    directory: Callable[[], Directory]
    clock: Clock
    pending: Callable[[], PendingLookup] = field(default=PendingLookup)
    requests: Callable[[], RequestLookup] = field(default=RequestLookup)

    def tool_context(self, requester: str) -> ToolContext:
        """What every tool call of one turn reads: the org now, and the store's lookups."""
        return ToolContext(
            directory=self.directory(),
            requester_id=requester,
            now=self.clock.now(),
            pending=self.pending(),
            requests=self.requests(),
        )
