"""Retention on the in-memory checkpointer (the local chat, tests): the same rules as
on SQLite and PostgreSQL (see tests/integration/agent/test_checkpoint_retention.py)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from langgraph.checkpoint.memory import InMemorySaver

from agent.deps import AgentDeps
from agent.graph import build_graph
from agent.models.offline import OfflineModel
from agent.retention import Retention
from agent.runner import AgentRunner
from domain.ports import FixedClock
from tests.orgs import NOW, small_directory

D = small_directory()
ALEX = "alex@t.test"


def test_memory_store_trims_live_and_deletes_finished_conversations() -> None:
    saver = InMemorySaver()
    deps = AgentDeps(model=OfflineModel(lambda: D), directory=lambda: D, clock=FixedClock(NOW))
    graph = build_graph(deps, checkpointer=saver)
    runner = AgentRunner(graph)
    retention = Retention(graph, keep_idle=timedelta(days=7), clock=FixedClock(datetime.now(UTC)))
    assert runner.send("live", ALEX, "same access as Priya").kind == "clarify"
    assert runner.send("done", ALEX, "thanks!").kind != "clarify"
    before = retention.store.size()
    report = retention.prune()
    assert report.deleted == 1 and report.trimmed > 0
    assert {h.thread: h.checkpoints for h in retention.store.heads()} == {"live": 1}
    assert retention.store.size().bytes < before.bytes
    assert not [k for k in saver.writes if k[0] == "done"]
    card = runner.send("live", ALEX, "for 3 days")
    assert card.kind == "proposal" and card.proposal is not None
    assert len(card.proposal.items) == 2
