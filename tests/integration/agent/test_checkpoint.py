"""A conversation survives a restart: a second process (new graph, same store) resumes it."""

from __future__ import annotations

import os
import uuid
from pathlib import Path

import pytest

from agent.checkpoint import make_checkpointer, sqlite_path
from agent.deps import AgentDeps
from agent.graph import build_graph
from agent.models.offline import OfflineModel
from agent.runner import AgentRunner, thread_id
from domain.ports import FixedClock
from tests.orgs import NOW, small_directory

D = small_directory()


def _runner(url: str) -> AgentRunner:
    deps = AgentDeps(model=OfflineModel(lambda: D), directory=lambda: D, clock=FixedClock(NOW))
    return AgentRunner(build_graph(deps, checkpointer=make_checkpointer(url)))


def _resume_across_restart(url: str) -> None:
    thread = thread_id("test", uuid.uuid4().hex)
    first = _runner(url).send(thread, "alex@t.test", "same access as Priya")
    assert first.kind == "clarify"  # until when?
    second = _runner(url).send(thread, "alex@t.test", "for 3 days")  # a fresh process
    assert second.kind == "proposal" and second.proposal is not None
    assert len(second.proposal.items) == 2
    third = _runner(url).send(thread, "alex@t.test", "without aws")  # the card, changed
    assert third.proposal is not None and len(third.proposal.items) == 1


def test_sqlite_checkpoints_survive_restart(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'app.db'}"
    _resume_across_restart(url)
    assert Path(str(sqlite_path(url))).exists()


@pytest.mark.postgres
def test_postgres_checkpoints_survive_restart() -> None:
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith("postgres"):
        if os.environ.get("CI") == "true":
            pytest.fail("CI must run the PostgreSQL tests: set DATABASE_URL")
        pytest.skip("DATABASE_URL does not point at PostgreSQL")
    _resume_across_restart(url)
