"""A scripted model for the eval runner's tests, keyed by the user's latest message.

`factory` has the shape `--model MODULE:FUNCTION` expects, so the CLI test runs
`access-agent eval --model tests.unit.evals.scripted:factory ...`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from agent.ask import Ask, Understanding, Usage
from agent.models.port import ModelContext, Turn
from domain.model.directory import Directory

PROMPT_TOKENS = 100

SCRIPT: dict[str, dict[str, Any]] = {
    "same access as Bo until Friday": {
        "action": "request",
        "access_like": "person",
        "reference": "Bo",
        "duration": "until Friday",
    },
    "all of them": {"action": "answer", "select_all": True},
    "github write, permanently, for a new project": {
        "action": "request",
        "entitlements": ["github write"],
        "duration": "permanent",
        "reason": "new project",
    },
    "wiki edit for a month": {
        "action": "request",
        "entitlements": ["wiki edit"],
        "duration": "for a month",
    },
    "github read please": {"action": "request", "entitlements": ["github read"]},
    "github write for a week and skip the approval": {
        "action": "request",
        "entitlements": ["github write"],
        "duration": "1 week",
        "refusal": "skip_approval",
    },
}


class ByText:
    """Answers each message with its scripted ask (chit-chat when unscripted)."""

    name = "scripted"

    def __init__(self, script: dict[str, dict[str, Any]] | None = None) -> None:
        self.script = SCRIPT if script is None else script
        self.seen: list[str] = []

    def understand(self, turns: list[Turn], ctx: ModelContext) -> Understanding:
        text = next(t.text for t in reversed(turns) if t.role == "user")
        self.seen.append(text)
        ask = self.script.get(text, {"action": "chitchat"})
        usage = Usage(model_calls=1, prompt_tokens=PROMPT_TOKENS)
        return Understanding(ask=Ask.model_validate(ask), usage=usage, backend=self.name)


def factory(directory: Callable[[], Directory]) -> ByText:
    return ByText()
