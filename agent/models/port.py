"""The model port: turn the conversation into an `Ask`. Nothing else goes to the model."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Protocol

from agent.ask import Understanding


@dataclass(frozen=True)
class Turn:
    role: str  # "user" | "assistant"
    text: str


@dataclass(frozen=True)
class ModelContext:
    """What the model may know besides the messages: no ids, only words to anchor on."""

    requester_name: str
    today: str  # ISO date in the org's timezone, with weekday
    reasons: tuple[str, ...] = ()
    pending_question: str | None = None  # what the bot asked last, if anything
    pending_slots: tuple[str, ...] = ()  # the slots that question is about
    stage: str = "new"  # "new" | "clarify" (a question is open) | "proposal" (a card is shown)
    now: str = ""  # ISO instant, so relative durations can be read
    choices: tuple[str, ...] = field(default_factory=tuple)  # options it offered


class Model(Protocol):
    name: str

    def understand(self, turns: list[Turn], ctx: ModelContext) -> Understanding: ...
