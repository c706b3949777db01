"""The graph: [understand] → resolve → clarify ⟲ | propose ⟲ | end.

    understand (model) ──► resolve (tools only) ──► clarify ── interrupt ──► understand
          │                       │                 (clarify ── cancel ──► cancelled)
          │                       │                 propose ── interrupt ──► confirmed | cancelled
          ▼                       ▼                                    └──► understand (an edit)
         end (refusal, cancel, chit-chat)          end (refusal, withdraw)

A change to an open card goes from understand straight back to propose (the tools apply
it to the card as shown); a read-only question is answered in understand and goes back
to whatever was open (the card or the question), or ends when nothing was.

The graph never submits, approves or grants: a confirmation ends the run with the
proposal, and the caller (a button handler) submits it through the domain. A run
whose ask came structured (the guided form, `AgentRunner.start`) begins at resolve.
"""

from __future__ import annotations

from typing import Any, Literal

from langgraph.checkpoint.base import BaseCheckpointSaver
from langgraph.graph import END, START, StateGraph
from langgraph.graph.state import CompiledStateGraph

from agent.deps import AgentDeps
from agent.nodes import Nodes
from agent.state import AgentState, Outcome, Stage, stage_of


def route_start(state: AgentState) -> Literal["understand", "resolve"]:
    """A filled-in ask (the guided form) skips the model: the tools check it directly."""
    return "resolve" if state.get("structured") else "understand"


def route_after_understand(
    state: AgentState,
) -> Literal["resolve", "propose", "clarify", "__end__"]:
    outcome = state.get("outcome")
    if outcome in (Outcome.REFUSED, Outcome.CANCELLED, Outcome.MESSAGE):
        return "__end__"
    if outcome == Outcome.PROPOSAL:
        return "propose"
    if outcome == Outcome.ANSWERED:  # a question answered: what was open stays open
        return _back_to_what_is_open(state)
    return "resolve"


def _back_to_what_is_open(state: AgentState) -> Literal["propose", "clarify", "__end__"]:
    stage = stage_of(state)
    if stage is Stage.CLARIFY:
        return "clarify"
    return "propose" if stage is Stage.PROPOSAL else "__end__"


def route_after_resolve(state: AgentState) -> Literal["clarify", "propose", "__end__"]:
    outcome = state.get("outcome")
    if outcome == Outcome.CLARIFY:
        return "clarify"
    if outcome == Outcome.PROPOSAL:
        return "propose"
    return "__end__"


def route_after_clarify(state: AgentState) -> Literal["understand", "__end__"]:
    """An answer is understood; a Cancel (the requester's own, via `AgentRunner.cancel`)
    ends the conversation with the question closed."""
    return "__end__" if state.get("outcome") == Outcome.CANCELLED else "understand"


def route_after_propose(state: AgentState) -> Literal["understand", "__end__"]:
    ended = state.get("outcome") in (Outcome.CONFIRMED, Outcome.CANCELLED)
    return "__end__" if ended else "understand"


def build_graph(
    deps: AgentDeps, *, checkpointer: BaseCheckpointSaver[Any] | None = None
) -> CompiledStateGraph[Any, Any, Any, Any]:
    nodes = Nodes(deps)
    graph = StateGraph(AgentState)
    graph.add_node("understand", nodes.understand)
    graph.add_node("resolve", nodes.resolve)
    graph.add_node("clarify", nodes.clarify)
    graph.add_node("propose", nodes.propose)
    graph.add_conditional_edges(START, route_start)
    graph.add_conditional_edges("understand", route_after_understand)
    graph.add_conditional_edges("resolve", route_after_resolve)
    graph.add_conditional_edges("clarify", route_after_clarify)
    graph.add_conditional_edges("propose", route_after_propose)
    return graph.compile(checkpointer=checkpointer)


__all__ = ["END", "build_graph"]
