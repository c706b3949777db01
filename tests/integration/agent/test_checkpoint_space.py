"""SQLite hands the space of pruned conversations back to the file system, also for a
checkpoint file made before incremental auto_vacuum was turned on."""

from __future__ import annotations

import sqlite3
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

from langgraph.checkpoint.sqlite import SqliteSaver

from agent.checkpoint import make_checkpointer, sqlite_path
from agent.deps import AgentDeps
from agent.graph import build_graph
from agent.models.offline import OfflineModel
from agent.retention import Retention
from agent.runner import AgentRunner, thread_id
from domain.ports import FixedClock
from tests.orgs import NOW, small_directory

D = small_directory()
ALEX = "alex@t.test"
PASTED = "a pasted log line, " * 10_000  # cut to the runner's 40,000 characters


def _agent(url: str) -> tuple[AgentRunner, Retention]:
    deps = AgentDeps(model=OfflineModel(lambda: D), directory=lambda: D, clock=FixedClock(NOW))
    graph = build_graph(deps, checkpointer=make_checkpointer(url))
    clock = FixedClock(datetime.now(UTC))
    return AgentRunner(graph, max_chars=40_000), Retention(
        graph, keep_idle=timedelta(days=7), clock=clock
    )


def _cancelled_conversations(runner: AgentRunner, n: int) -> None:
    """Big conversations that ended: the guided form's way in skips the model."""
    for _ in range(n):
        thread = thread_id("test", uuid.uuid4().hex)
        assert runner.start(thread, ALEX, words=PASTED, ask={}).kind == "clarify"
        assert runner.send(thread, ALEX, "cancel").kind == "cancelled"


def _auto_vacuum(path: str) -> int:
    with sqlite3.connect(path) as conn:
        return int(conn.execute("PRAGMA auto_vacuum").fetchone()[0])


def test_pruning_shrinks_the_checkpoint_file(tmp_path: Path) -> None:
    runner, retention = _agent(f"sqlite:///{tmp_path / 'app.db'}")
    _cancelled_conversations(runner, 10)
    before = retention.store.size()
    assert before.threads == 10 and before.bytes > 5_000_000
    assert retention.prune().deleted == 10
    after = retention.store.size()
    assert after.threads == 0 and after.bytes < before.bytes / 20


def test_a_file_made_without_auto_vacuum_is_converted_once(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'app.db'}"
    path = str(sqlite_path(url))
    old = sqlite3.connect(path)  # as an earlier version made it: auto_vacuum off
    SqliteSaver(old).setup()
    old.close()
    assert _auto_vacuum(path) == 0
    runner, retention = _agent(url)
    _cancelled_conversations(runner, 10)
    before = retention.store.size().bytes
    retention.prune()
    assert _auto_vacuum(path) == 2
    assert retention.store.size().bytes < before / 20


def test_an_unreadable_conversation_does_not_stop_the_others(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'app.db'}"
    runner, retention = _agent(url)
    _cancelled_conversations(runner, 2)
    bad = thread_id("test", "bad")
    runner.send(bad, ALEX, "same access as Priya")
    with sqlite3.connect(str(sqlite_path(url))) as conn:  # rows a newer version can't read
        conn.execute("UPDATE checkpoints SET checkpoint = x'c1' WHERE thread_id = ?", (bad,))
    report = retention.prune()
    assert report.failed == 1 and report.deleted == 2
    assert [h.thread for h in retention.store.heads()] == [bad]
