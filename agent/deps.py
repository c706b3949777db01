"""What the graph needs from the outside world, passed in once at build time."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from agent.models.port import Model
from domain.model.directory import Directory
from domain.ports import Clock
from tools.base import PendingLookup


@dataclass(frozen=True)
class AgentDeps:
    model: Model
    directory: Callable[[], Directory]
    clock: Clock
    pending: Callable[[], PendingLookup] = field(default=PendingLookup)
