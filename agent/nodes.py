"""The graph's nodes. Only `understand` calls the model; the rest call tools only.

Each node `load`s the checkpointed state as a typed `Conversation`, decides on models,
and returns an `Update` that `dump` makes JSON again for the checkpointer.
"""

from __future__ import annotations

from langgraph.types import interrupt

from agent.answers import apply_answer
from agent.ask import Ask
from agent.deps import AgentDeps
from agent.edits import changed_card, implied_changes, new_beneficiary, shown_again
from agent.errands import answered, withdrawal
from agent.grounding import grounded
from agent.merge import STARTS, merge
from agent.models.port import ModelContext, Turn
from agent.phrasing import HELP, refusal_text
from agent.resolving import resolved
from agent.state import (
    MAX_TURNS,
    AgentState,
    AskState,
    Conversation,
    Intent,
    Outcome,
    Picks,
    Said,
    Stage,
    Update,
    dump,
    load,
)

CANCELLED = "OK, cancelled. Nothing was submitted."


class Nodes:
    def __init__(self, deps: AgentDeps) -> None:
        self.deps = deps

    # --- understand: the only model call ----------------------------------------------
    def understand(self, state: AgentState) -> AgentState:
        conv = load(state)
        understanding = self.deps.model.understand(
            [Turn(t.role, t.text) for t in conv.turns], self._model_context(conv)
        )
        # whatever either backend names must have been said or offered (issue 12, item 4)
        ask, left_out = grounded(self.deps.directory(), conv, understanding.ask)
        # the model repeats its notice on every fallback turn; a conversation hears it once
        said = [n for n in (understanding.notice, left_out) if n and n not in conv.notices]
        update: Update = {
            "usage": _add_usage(conv.usage, understanding.usage.model_dump()),
            "notices": [*conv.notices, *said],
            "outcome": None,
            "changed": None,
            "withdraw": [],
        }
        update.update(self._read(conv, ask))
        return dump(update)

    def _read(self, conv: Conversation, ask: Ask) -> Update:
        """What the message does to the conversation."""
        if ask.refusal is not None:
            code = ask.refusal.value
            return {
                "outcome": Outcome.REFUSED,
                "reply": refusal_text(None, code),
                "refusal_code": code,
            }
        if ask.action == "cancel":
            return _cancelled()
        if ask.action == "query" and ask.query is not None:
            ctx = self.deps.tool_context(conv.requester)
            return answered(ctx, ask.query, subject=ask.beneficiary, entitlements=ask.entitlements)
        if conv.stage is Stage.PROPOSAL and ask.action not in STARTS:
            return self._on_card(conv, ask)
        if ask.action == "chitchat" and conv.ask == AskState():
            return {"outcome": Outcome.MESSAGE, "reply": HELP}
        merged, keep = merge(conv.ask, ask)
        picks = conv.picks if keep else Picks()
        if ask.action not in STARTS:  # an answer to the open question, not a new ask
            picks = apply_answer(
                conv.question, picks, selection=ask.selection, select_all=ask.select_all
            )
        return {"ask": merged, "picks": picks}

    def _on_card(self, conv: Conversation, ask: Ask) -> Update:
        """A message while a card is open changes that card, and nothing else."""
        card = conv.proposal
        assert card is not None  # the stage says a ready card is open
        if ask.action == "confirm":
            return shown_again(card, "Here it is again: press Submit to send it.")
        changes = implied_changes(ask, conv.ask)
        if new_beneficiary(changes):  # a new card for that person: policy checked again
            merged, _ = merge(conv.ask, ask.model_copy(update={"changes": changes}))
            return {"ask": merged, "picks": Picks(reference=conv.picks.reference)}
        ctx = self.deps.tool_context(conv.requester)
        return changed_card(ctx, card, changes, ignored=ask.ignored_instructions)

    def _model_context(self, conv: Conversation) -> ModelContext:
        directory = self.deps.directory()
        now = self.deps.clock.now().astimezone(directory.timezone)
        person = directory.person(conv.requester)
        problems = conv.question.problems if conv.question else []
        return ModelContext(
            requester_name=person.name if person else "",
            today=f"{now:%A} {now.date().isoformat()}",
            reasons=tuple(directory.reasons),
            # the question's words; its choices go once, in `choices`
            pending_question="\n".join(p.message for p in problems) or None,
            pending_slots=tuple(p.slot or "" for p in problems),
            choices=tuple(c.label for p in problems[:1] for c in p.choices),
            stage=conv.stage.value,
            now=self.deps.clock.now().isoformat(),
        )

    # --- resolve: deterministic tools only ----------------------------------------------
    def resolve(self, state: AgentState) -> AgentState:
        conv = load(state)
        ctx = self.deps.tool_context(conv.requester)
        if conv.ask.intent is Intent.WITHDRAW:
            return dump(withdrawal(ctx, conv.ask, conv.picks))
        return dump(resolved(ctx, conv.ask, conv.picks))

    # --- the two places the graph waits for a person --------------------------------------
    def clarify(self, state: AgentState) -> AgentState:
        answer = interrupt(
            {"type": "clarify", "text": state.get("reply", ""), "question": state.get("question")}
        )
        if _action(answer) == "cancel":  # the Cancel button
            return dump(_cancelled())
        return dump({"turns": _next_turns(state, answer)})

    def propose(self, state: AgentState) -> AgentState:
        answer = interrupt(
            {"type": "proposal", "text": state.get("reply", ""), "proposal": state.get("proposal")}
        )
        action = _action(answer)
        if action == "confirm":
            return dump({"outcome": Outcome.CONFIRMED, "reply": "Submitted for approval."})
        if action == "cancel":
            return dump(_cancelled())
        return dump({"outcome": None, "turns": _next_turns(state, answer)})


def _cancelled() -> Update:
    """The open card or question closes, and what was asked is forgotten with it."""
    return {
        "outcome": Outcome.CANCELLED,
        "reply": CANCELLED,
        "question": None,
        "ask": AskState(),
        "picks": Picks(),
    }


def _action(answer: object) -> str | None:
    """A resume payload's action: {"action": "confirm" | "cancel"} from a button."""
    return str(answer.get("action")) if isinstance(answer, dict) and "action" in answer else None


def _next_turns(state: AgentState, answer: object) -> list[Said]:
    """The conversation with the bot's question and the answer added, keeping the last
    `MAX_TURNS`: a long back-and-forth neither grows the checkpointed state nor the
    model's prompt without bound (the merged ask keeps what earlier turns said)."""
    text = str(answer.get("text", "")) if isinstance(answer, dict) else str(answer)
    turns = [
        *(Said.model_validate(turn) for turn in state.get("turns", [])),
        Said(role="assistant", text=state.get("reply", "")),
        Said(role="user", text=text),
    ]
    return turns[-MAX_TURNS:]


def _add_usage(total: dict[str, int], more: dict[str, int]) -> dict[str, int]:
    keys = set(total) | set(more)
    return {k: int(total.get(k, 0)) + int(more.get(k, 0)) for k in keys}
