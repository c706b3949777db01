"""The graph's state: plain JSON-able values, so any checkpointer can persist it."""

from __future__ import annotations

from typing import Any, Literal, TypedDict

Outcome = Literal["clarify", "proposal", "refused", "confirmed", "cancelled", "message"]
MAX_TURNS = 21  # messages kept in state, each bounded; odd, so the first kept is the user's


class AgentState(TypedDict, total=False):
    requester: str  # person id of who is talking to the bot
    turns: list[dict[str, str]]  # {"role": "user" | "assistant", "text": ...}
    ask: dict[str, Any]  # the merged Ask, without its action
    picks: dict[str, Any]  # choices made from offered candidates, by id
    question: dict[str, Any] | None  # the last clarification: {"problems": [...]}
    proposal: dict[str, Any] | None  # tools.proposal_models.Proposal as a dict
    outcome: Outcome | None
    reply: str  # what the bot says now
    refusal_code: str | None  # why the bot declined, a stable code (see evals)
    notices: list[str]
    usage: dict[str, int]
    structured: bool  # the ask came filled in (the guided form): no model call this run


def fresh(requester: str, text: str) -> AgentState:
    """The input of a new conversation run: forget the last request, keep nothing stale."""
    return AgentState(
        requester=requester,
        turns=[{"role": "user", "text": text}],
        ask={},
        picks={},
        question=None,
        proposal=None,
        reply="",
        refusal_code=None,
        outcome="message",
        notices=[],
        usage={"model_calls": 0, "prompt_tokens": 0, "completion_tokens": 0},
        structured=False,
    )


def given(requester: str, words: str, ask: dict[str, Any], picks: dict[str, Any]) -> AgentState:
    """The input of a run whose ask is already structured (a form, not a message):
    it starts at `resolve`, so the same tools check it as if it had been typed. `words`
    is how the conversation records it; later messages in the thread refine it as usual."""
    state = fresh(requester, words)
    state["ask"], state["picks"] = dict(ask), dict(picks)
    state["structured"], state["outcome"] = True, None
    return state
