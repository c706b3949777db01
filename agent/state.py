"""The graph's state, twice: as the checkpointer stores it, and as the nodes read it.

`AgentState` is what LangGraph's channels hold: plain JSON values only, so the SQLite
and PostgreSQL savers persist it without pickling our classes, and a checkpoint written
by an older version still loads. `Conversation` is the same state typed (pydantic models
and enums): a node `load`s it, works on models mypy checks, and hands back an `Update`
that `dump` turns into JSON again. Nothing between our own functions is a bare dict.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any, Literal, TypedDict, cast

from pydantic import BaseModel, ConfigDict, Field

from domain.model.requests import AccessLikeKind
from tools.change_models import Change
from tools.proposal_models import Problem, Proposal

MAX_TURNS = 21  # messages kept in state, each bounded; odd, so the first kept is the user's


class Outcome(StrEnum):
    """How a run left the conversation; `Reply.kind` is this value."""

    CLARIFY = "clarify"  # a question is open
    PROPOSAL = "proposal"  # a card is open
    REFUSED = "refused"
    CONFIRMED = "confirmed"
    CANCELLED = "cancelled"
    MESSAGE = "message"  # help or chit-chat; nothing open
    ANSWERED = "answered"  # a read-only question answered; an open card or question stays
    WITHDRAW = "withdraw"  # the surface withdraws `withdraw` (the requester's requests)


class Stage(StrEnum):
    """What the model is told is open while it reads the next message."""

    NEW = "new"
    CLARIFY = "clarify"
    PROPOSAL = "proposal"


class Intent(StrEnum):
    """What the conversation's ask is for: which tool resolves it."""

    REQUEST = "request"  # build_proposal (then apply_changes)
    WITHDRAW = "withdraw"  # find_withdrawable
    EXTEND = "extend"  # build_extension


class AgentState(TypedDict, total=False):
    """The channels as stored: JSON values (see `Conversation` for their types)."""

    requester: str
    turns: list[dict[str, str]]
    ask: dict[str, Any]
    picks: dict[str, Any]
    question: dict[str, Any] | None
    proposal: dict[str, Any] | None
    outcome: str | None
    reply: str
    refusal_code: str | None
    notices: list[str]
    usage: dict[str, int]
    structured: bool
    changed: str | None
    withdraw: list[str]


class Said(BaseModel):
    role: Literal["user", "assistant"]
    text: str


class AskState(BaseModel):
    """The conversation's merged ask: an `Ask` without what only one message means
    (its action, refusal, selection, query), plus what the ask is for."""

    model_config = ConfigDict(extra="ignore")  # a checkpoint from an older Ask still loads

    intent: Intent = Intent.REQUEST
    kind: Literal["grant", "revoke"] | None = None
    beneficiary: str | None = None
    access_like: AccessLikeKind | None = None
    reference: str | None = None
    entitlements: list[str] = Field(default_factory=list)
    select_all: bool = False
    identity_hints: list[str] = Field(default_factory=list)
    duration: str | None = None
    reason: str | None = None
    justification: str | None = None
    ignored_instructions: bool = False
    changes: list[Change] = Field(default_factory=list)  # applied after each build


class Picks(BaseModel):
    """Choices made from candidates the bot offered, by id."""

    model_config = ConfigDict(extra="ignore")

    beneficiary: str | None = None
    reference: str | None = None
    entitlements: list[str] = Field(default_factory=list)
    identities: dict[str, str] = Field(default_factory=dict)  # entitlement id -> identity id
    apps: list[str] = Field(default_factory=list)  # app ids, when "same access" is > 20 items
    requests: list[str] = Field(default_factory=list)  # which request to withdraw


class Question(BaseModel):
    """The bot's open question: the problems the last proposal asked about."""

    problems: list[Problem] = Field(default_factory=list)


class Conversation(BaseModel):
    """`AgentState` typed: what a node reads."""

    requester: str = ""
    turns: list[Said] = Field(default_factory=list)
    ask: AskState = Field(default_factory=AskState)
    picks: Picks = Field(default_factory=Picks)
    question: Question | None = None
    proposal: Proposal | None = None
    outcome: Outcome | None = None
    reply: str = ""
    refusal_code: str | None = None
    notices: list[str] = Field(default_factory=list)
    usage: dict[str, int] = Field(default_factory=dict)
    structured: bool = False
    changed: str | None = None
    withdraw: list[str] = Field(default_factory=list)

    @property
    def stage(self) -> Stage:
        if self.question is not None and self.question.problems:
            return Stage.CLARIFY
        if self.proposal is not None and self.proposal.status == "ready":
            return Stage.PROPOSAL
        return Stage.NEW


class Update(TypedDict, total=False):
    """What a node changes, typed; `dump` makes it channel values."""

    turns: list[Said]
    ask: AskState
    picks: Picks
    question: Question | None
    proposal: Proposal | None
    outcome: Outcome | None
    reply: str
    refusal_code: str | None
    notices: list[str]
    usage: dict[str, int]
    changed: str | None
    withdraw: list[str]


def stage_of(state: AgentState) -> Stage:
    """What is open, read from the channels without loading them all."""
    question = state.get("question") or {}
    if question.get("problems"):
        return Stage.CLARIFY
    proposal = state.get("proposal") or {}
    return Stage.PROPOSAL if proposal.get("status") == "ready" else Stage.NEW


def load(state: AgentState) -> Conversation:
    return Conversation.model_validate(state)


def dump(update: Update) -> AgentState:
    """Channel values for `update`: models as their JSON, enums as their values."""
    return cast(AgentState, {name: _json(value) for name, value in update.items()})


def _json(value: object) -> Any:
    if isinstance(value, BaseModel):
        return value.model_dump(mode="json")
    if isinstance(value, StrEnum):
        return value.value
    if isinstance(value, list):
        return [_json(v) for v in value]
    return value


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
        outcome=Outcome.MESSAGE.value,
        notices=[],
        usage={"model_calls": 0, "prompt_tokens": 0, "completion_tokens": 0},
        structured=False,
        changed=None,
        withdraw=[],
    )


def given(requester: str, words: str, ask: AskState, picks: Picks) -> AgentState:
    """The input of a run whose ask is already structured (a form, not a message):
    it starts at `resolve`, so the same tools check it as if it had been typed. `words`
    is how the conversation records it; later messages in the thread refine it as usual."""
    state = fresh(requester, words)
    state["ask"], state["picks"] = ask.model_dump(mode="json"), picks.model_dump(mode="json")
    state["structured"], state["outcome"] = True, None
    return state
