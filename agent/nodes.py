"""The graph's nodes. Only `understand` calls the model; `resolve` calls tools only."""

from __future__ import annotations

from typing import Any

from langgraph.types import interrupt

from agent.answers import apply_answer
from agent.deps import AgentDeps
from agent.merge import merge
from agent.models.port import ModelContext, Turn
from agent.phrasing import HELP, proposal_text, question_text, refusal_text
from agent.state import MAX_TURNS, AgentState
from tools.base import ToolContext
from tools.proposal import build_proposal
from tools.proposal_models import ProposalInput

CANCELLED = "OK, cancelled. Nothing was submitted."


class Nodes:
    def __init__(self, deps: AgentDeps) -> None:
        self.deps = deps

    # --- understand: the only model call ----------------------------------------------
    def understand(self, state: AgentState) -> dict[str, Any]:
        understanding = self.deps.model.understand(
            [Turn(t["role"], t["text"]) for t in state.get("turns", [])],
            self._model_context(state),
        )
        ask = understanding.ask
        update: dict[str, Any] = {
            "usage": _add_usage(state.get("usage", {}), understanding.usage.model_dump()),
            "notices": [*state.get("notices", []), understanding.notice]
            if understanding.notice
            else state.get("notices", []),
            "outcome": None,
        }
        if ask.refusal is not None:
            return update | {
                "outcome": "refused",
                "reply": refusal_text(None, ask.refusal),
                "refusal_code": ask.refusal,
            }
        if ask.action == "cancel":
            return update | {"outcome": "cancelled", "reply": CANCELLED}
        proposal = state.get("proposal")
        if ask.action == "confirm" and proposal and proposal.get("status") == "ready":
            return update | {"outcome": "proposal"}
        if ask.action == "chitchat" and not state.get("ask"):
            return update | {"outcome": "message", "reply": HELP}
        merged, keep = merge(state.get("ask") or {}, ask)
        picks = state.get("picks", {}) if keep else {}
        picks = apply_answer(
            state.get("question"), picks, selection=ask.selection, select_all=ask.select_all
        )
        return update | {"ask": merged, "picks": picks}

    def _model_context(self, state: AgentState) -> ModelContext:
        directory = self.deps.directory()
        now = self.deps.clock.now().astimezone(directory.timezone)
        person = directory.person(state.get("requester", ""))
        question = state.get("question") or {}
        problems = question.get("problems", [])
        return ModelContext(
            requester_name=person.name if person else "",
            today=f"{now:%A} {now.date().isoformat()}",
            reasons=tuple(directory.reasons),
            pending_question=question_text(problems) if problems else None,
            pending_slots=tuple(p.get("slot") or "" for p in problems),
            choices=tuple(c["label"] for p in problems[:1] for c in p.get("choices", [])),
            stage=_stage(state),
            now=self.deps.clock.now().isoformat(),
        )

    # --- resolve: deterministic tools only ----------------------------------------------
    def resolve(self, state: AgentState) -> dict[str, Any]:
        ctx = ToolContext(
            directory=self.deps.directory(),
            requester_id=state["requester"],
            now=self.deps.clock.now(),
            pending=self.deps.pending(),
        )
        proposal = build_proposal(
            ctx, proposal_input(state.get("ask") or {}, state.get("picks") or {})
        )
        data = proposal.model_dump(mode="json")
        if proposal.status == "refused":
            code = proposal.refusal.code if proposal.refusal else None
            return {
                "proposal": data,
                "outcome": "refused",
                "reply": refusal_text(data),
                "question": None,
                "refusal_code": code,
            }
        if proposal.status == "needs_input":
            problems = [p.model_dump(mode="json") for p in proposal.problems]
            return {
                "proposal": data,
                "outcome": "clarify",
                "question": {"problems": problems},
                "reply": question_text(problems),
            }
        return {
            "proposal": data,
            "outcome": "proposal",
            "question": None,
            "reply": proposal_text(data),
        }

    # --- the two places the graph waits for a person --------------------------------------
    def clarify(self, state: AgentState) -> dict[str, Any]:
        answer = interrupt(
            {"type": "clarify", "text": state.get("reply", ""), "question": state.get("question")}
        )
        if isinstance(answer, dict) and answer.get("action") == "cancel":  # the Cancel button
            return {"outcome": "cancelled", "reply": CANCELLED, "question": None}
        return {"turns": _next_turns(state, answer)}

    def propose(self, state: AgentState) -> dict[str, Any]:
        answer = interrupt(
            {"type": "proposal", "text": state.get("reply", ""), "proposal": state.get("proposal")}
        )
        action = answer.get("action") if isinstance(answer, dict) else None
        if action == "confirm":
            return {"outcome": "confirmed", "reply": "Submitted for approval."}
        if action == "cancel":
            return {"outcome": "cancelled", "reply": CANCELLED}
        return {"outcome": None, "turns": _next_turns(state, answer)}


def _stage(state: AgentState) -> str:
    if state.get("question"):
        return "clarify"
    proposal = state.get("proposal") or {}
    return "proposal" if proposal.get("status") == "ready" else "new"


def proposal_input(ask: dict[str, Any], picks: dict[str, Any]) -> ProposalInput:
    return ProposalInput(
        kind=ask.get("kind") or "grant",
        beneficiary=picks.get("beneficiary") or ask.get("beneficiary"),
        access_like=ask.get("access_like"),
        reference=picks.get("reference") or ask.get("reference"),
        entitlements=picks.get("entitlements") or ask.get("entitlements") or [],
        select_all=bool(ask.get("select_all")) and not picks.get("entitlements"),
        identities=picks.get("identities") or {},
        identity_hints=ask.get("identity_hints") or [],
        duration=ask.get("duration"),
        reason=ask.get("reason"),
    )


def _next_turns(state: AgentState, answer: Any) -> list[dict[str, str]]:
    """The conversation with the bot's question and the answer added, keeping the last
    `MAX_TURNS`: a long back-and-forth neither grows the checkpointed state nor the
    model's prompt without bound (the merged ask keeps what earlier turns said)."""
    turns = [
        *state.get("turns", []),
        {"role": "assistant", "text": state.get("reply", "")},
        {"role": "user", "text": _text(answer)},
    ]
    return turns[-MAX_TURNS:]


def _text(answer: Any) -> str:
    if isinstance(answer, dict):
        return str(answer.get("text", ""))
    return str(answer)


def _add_usage(total: dict[str, int], more: dict[str, int]) -> dict[str, int]:
    keys = set(total) | set(more)
    return {k: int(total.get(k, 0)) + int(more.get(k, 0)) for k in keys}
