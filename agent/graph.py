"""The graph: [understand] → resolve → clarify ⟲ | propose ⟲ | end.

    understand (model) ──► resolve (tools only) ──► clarify ── interrupt ──► understand
          │                       │                 (clarify ── cancel ──► cancelled)
          │                       │                 propose ── interrupt ──► confirmed | cancelled
          ▼                       ▼                                    └──► understand (an edit)
         end (refusal, cancel, chit-chat)          end (refusal)

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
from agent.state import AgentState


def route_start(state: AgentState) -> Literal["understand", "resolve"]:
    """A filled-in ask (the guided form) skips the model: the tools check it directly."""
    return "resolve" if state.get("structured") else "understand"


def route_after_understand(state: AgentState) -> Literal["resolve", "propose", "__end__"]:
    outcome = state.get("outcome")
    if outcome in ("refused", "cancelled", "message"):
        return "__end__"
    if outcome == "proposal":
        return "propose"
    return "resolve"


def route_after_resolve(state: AgentState) -> Literal["clarify", "propose", "__end__"]:
    outcome = state.get("outcome")
    if outcome == "clarify":
        return "clarify"
    if outcome == "proposal":
        return "propose"
    return "__end__"


def route_after_clarify(state: AgentState) -> Literal["understand", "__end__"]:
    """An answer is understood; a Cancel (the requester's own, via `AgentRunner.cancel`)
    ends the conversation with the question closed."""
    return "__end__" if state.get("outcome") == "cancelled" else "understand"


def route_after_propose(state: AgentState) -> Literal["understand", "__end__"]:
    return "__end__" if state.get("outcome") in ("confirmed", "cancelled") else "understand"


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
