"""The checkpoint store stays bounded: finished and long-idle conversations are deleted,
a conversation still waiting keeps only its latest checkpoint and goes on as before.

Each test runs on a SQLite file and on PostgreSQL (a schema of its own). Time is a
FixedClock started at the wall clock, since LangGraph stamps checkpoints with it.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from agent.checkpoint import make_checkpointer, postgres_dsn
from agent.deps import AgentDeps
from agent.graph import build_graph
from agent.models.offline import OfflineModel
from agent.retention import Retention
from agent.runner import AgentRunner, thread_id
from domain.ports import FixedClock
from tests.integration.conftest import POSTGRES, postgres_url
from tests.orgs import NOW, small_directory

D = small_directory()
ALEX = "alex@t.test"
RETENTION_DAYS = 7


@contextmanager
def _postgres_schema() -> Iterator[str]:
    import psycopg

    url = postgres_url()
    schema = f"ckpt_{uuid.uuid4().hex[:12]}"
    admin = str(postgres_dsn(url))
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'CREATE SCHEMA "{schema}"')
    try:
        yield f"{url}?options=-csearch_path%3D{schema}"
    finally:
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f'DROP SCHEMA "{schema}" CASCADE')


@pytest.fixture(params=["sqlite", POSTGRES])
def url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'app.db'}"
    else:
        with _postgres_schema() as found:
            yield found


class Agent:
    """A runner and the retention over its store, sharing one checkpointer."""

    def __init__(self, url: str) -> None:
        deps = AgentDeps(model=OfflineModel(lambda: D), directory=lambda: D, clock=FixedClock(NOW))
        graph = build_graph(deps, checkpointer=make_checkpointer(url))
        self.runner = AgentRunner(graph)
        self.clock = FixedClock(datetime.now(UTC))
        self.retention = Retention(
            graph, keep_idle=timedelta(days=RETENTION_DAYS), clock=self.clock
        )

    def checkpoints(self, thread: str) -> int:
        heads = {h.thread: h.checkpoints for h in self.retention.store.heads()}
        return heads.get(thread, 0)

    def asked(self) -> str:
        """A conversation waiting on a question, with several checkpoints."""
        thread = thread_id("test", uuid.uuid4().hex)
        assert self.runner.send(thread, ALEX, "same access as Priya").kind == "clarify"
        return thread

    def carded(self) -> str:
        """A conversation waiting on its confirmation card."""
        thread = self.asked()
        assert self.runner.send(thread, ALEX, "for 3 days").kind == "proposal"
        return thread


def test_a_submitted_conversation_is_deleted_on_the_next_prune(url: str) -> None:
    agent = Agent(url)
    thread, other = agent.carded(), agent.carded()
    assert agent.runner.confirm(thread, ALEX) is not None
    report = agent.retention.prune()
    assert report.deleted == 1
    assert agent.checkpoints(thread) == 0 and agent.runner.state(thread) == {}
    assert agent.checkpoints(other) == 1  # the open card stays, trimmed


def test_a_cancelled_conversation_is_deleted(url: str) -> None:
    agent = Agent(url)
    thread = agent.carded()
    assert agent.runner.cancel(thread, ALEX) is not None
    assert agent.retention.prune().deleted == 1
    assert agent.checkpoints(thread) == 0


def test_a_conversation_that_ended_is_deleted(url: str) -> None:
    agent = Agent(url)
    thread = thread_id("test", uuid.uuid4().hex)
    agent.runner.send(thread, ALEX, "thanks!")
    assert agent.runner.waiting_for(thread) is None
    assert agent.retention.prune().deleted == 1
    assert agent.checkpoints(thread) == 0


def test_a_waiting_conversation_idle_past_the_retention_is_deleted(url: str) -> None:
    agent = Agent(url)
    thread = agent.asked()
    agent.clock.advance(days=RETENTION_DAYS - 1)
    assert agent.retention.prune().deleted == 0
    agent.clock.advance(days=2)
    assert agent.retention.prune().deleted == 1
    assert agent.checkpoints(thread) == 0
    again = agent.runner.send(thread, ALEX, "for 3 days")  # a fresh start, no crash
    assert again.kind != "proposal"


def test_a_live_conversation_keeps_its_latest_checkpoint_and_goes_on(url: str) -> None:
    agent = Agent(url)
    thread = agent.asked()
    assert agent.checkpoints(thread) > 1
    report = agent.retention.prune()
    assert report.deleted == 0 and report.trimmed > 0
    assert agent.checkpoints(thread) == 1
    card = agent.runner.send(thread, ALEX, "for 3 days")  # resumes from what was kept
    assert card.kind == "proposal" and card.proposal is not None
    assert len(card.proposal.items) == 2
    agent.retention.prune()
    assert agent.checkpoints(thread) == 1
    assert agent.runner.confirm(thread, ALEX) is not None  # the card still submits


def test_a_restarted_process_resumes_a_trimmed_conversation(url: str) -> None:
    thread = Agent(url).asked()
    Agent(url).retention.prune()
    card = Agent(url).runner.send(thread, ALEX, "for 3 days")
    assert card.kind == "proposal"


def test_a_conversation_held_by_a_turn_is_left_for_next_time(url: str) -> None:
    agent = Agent(url)
    thread = agent.carded()
    agent.runner.cancel(thread, ALEX)

    @contextmanager
    def taken(_: str) -> Iterator[bool]:
        yield False

    assert agent.retention.prune(taken).busy == 1
    assert agent.checkpoints(thread) > 0
    assert agent.retention.prune().deleted == 1
