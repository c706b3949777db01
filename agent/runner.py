"""One conversation surface over the graph: send text, click Submit or Cancel.

A conversation lives on a thread id derived from where it happens (Slack team +
channel + thread, or a local chat session), so any process with the same
checkpointer can pick it up after a restart. Every text enters here, and only its
first `max_chars` characters go on: to the model (either backend), the tools and
the checkpointed state (rule 7).
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Any, cast

from langgraph.types import Command

from agent.ask import Ask
from agent.bounds import MAX_MESSAGE_CHARS, bounded, cut_notice
from agent.merge import merge
from agent.state import AgentState, AskState, Conversation, Outcome, Picks, fresh, given, load
from tools.proposal_models import Proposal


def thread_id(surface: str, *parts: str) -> str:
    """Deterministic: the same place always maps to the same conversation."""
    raw = "/".join([surface, *parts])
    return f"{surface}:{hashlib.sha256(raw.encode()).hexdigest()[:24]}"


@dataclass(frozen=True)
class Reply:
    kind: Outcome  # a StrEnum: compares equal to "proposal", "clarify", ...
    text: str
    proposal: Proposal | None = None
    problems: list[dict[str, Any]] = field(default_factory=list)  # the question's, as JSON
    notices: list[str] = field(default_factory=list)
    refusal_code: str | None = None
    usage: dict[str, int] = field(default_factory=dict)
    changed: str | None = None  # the one line saying what a change to the card did
    withdraw: list[str] = field(default_factory=list)  # request ids for the surface to withdraw


class AgentRunner:
    def __init__(self, graph: Any, *, max_chars: int = MAX_MESSAGE_CHARS) -> None:
        self.graph = graph
        self.max_chars = max_chars

    def _config(self, thread: str) -> dict[str, Any]:
        return {"configurable": {"thread_id": thread}}

    def waiting_for(self, thread: str) -> str | None:
        """ "clarify" or "proposal" when the conversation waits for the user, else None."""
        snapshot = self.graph.get_state(self._config(thread))
        for task in snapshot.tasks:
            for pending in task.interrupts:
                return str(pending.value.get("type"))
        return None

    def state(self, thread: str) -> dict[str, Any]:
        """The checkpointed channels, as JSON (`conversation` is the same, typed)."""
        return dict(self.graph.get_state(self._config(thread)).values)

    def conversation(self, thread: str) -> Conversation:
        return load(cast(AgentState, self.state(thread)))

    def send(self, thread: str, requester: str, text: str) -> Reply:
        """One message; a message longer than `max_chars` is read up to there, and the
        reply says so."""
        text, cut = bounded(text, self.max_chars)
        waiting = self.waiting_for(thread)
        if waiting and self.state(thread).get("requester") == requester:
            reply = self._run(thread, Command(resume={"text": text}))
        else:
            reply = self._run(thread, fresh(requester, text))
        if not cut:
            return reply
        return replace(reply, notices=[cut_notice(self.max_chars), *reply.notices])

    def start(
        self,
        thread: str,
        requester: str,
        *,
        words: str,
        ask: Mapping[str, Any],
        picks: Mapping[str, Any] | None = None,
    ) -> Reply:
        """A new request whose ask is already structured (the guided form): the model is
        skipped, the tools resolve and check it exactly like a typed one, and the reply
        is a clarification, a refusal or the proposal to confirm."""
        checked, _ = merge(AskState(), Ask.model_validate({"action": "request", **ask}))
        words, _ = bounded(words, self.max_chars)
        chosen = Picks.model_validate(picks or {})
        return self._run(thread, given(requester, words, checked, chosen))

    def confirmable(self, thread: str, requester: str) -> Proposal | None:
        """The proposal the requester's Submit would confirm, changing nothing: only a
        ready proposal of this requester's, shown and still waiting. Surfaces submit it
        first and `confirm` after, so a submission the domain refuses keeps the card."""
        if self.waiting_for(thread) != "proposal":
            return None
        conv = self.conversation(thread)
        proposal = conv.proposal
        if conv.requester != requester or proposal is None or proposal.status != "ready":
            return None
        return proposal

    def confirm(self, thread: str, requester: str) -> Proposal | None:
        """The requester's own click on Submit: ends the conversation with the proposal
        it confirmed, or None (nothing to confirm)."""
        proposal = self.confirmable(thread, requester)
        if proposal is not None:
            self._run(thread, Command(resume={"action": "confirm"}))
        return proposal

    def cancel(self, thread: str, requester: str) -> Reply | None:
        if self.waiting_for(thread) is None or self.state(thread).get("requester") != requester:
            return None
        return self._run(thread, Command(resume={"action": "cancel"}))

    def _run(self, thread: str, payload: AgentState | Command[Any]) -> Reply:
        seen = 0 if isinstance(payload, dict) else len(self.state(thread).get("notices", []))
        conv = load(self.graph.invoke(payload, self._config(thread)))
        kind = conv.outcome or Outcome.MESSAGE
        question = conv.question.problems if conv.question and kind is Outcome.CLARIFY else []
        return Reply(
            kind=kind,
            text=conv.reply,
            proposal=conv.proposal,
            problems=[p.model_dump(mode="json") for p in question],
            notices=conv.notices[seen:],  # each notice is said once
            refusal_code=conv.refusal_code,
            usage=dict(conv.usage),
            changed=conv.changed,
            withdraw=list(conv.withdraw),
        )
