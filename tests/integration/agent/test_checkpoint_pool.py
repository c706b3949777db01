"""The PostgreSQL checkpointer lends each query a connection of its own: turns in many
threads run side by side, and one slow checkpoint query holds up no other conversation.

PostgreSQL only (a schema of its own per test); SQLite has one connection by design.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack

import psycopg
import pytest
from psycopg_pool import ConnectionPool

from agent.checkpoint import close_checkpointer, postgres_dsn
from agent.runner import thread_id
from tests.integration.agent.test_checkpoint_retention import ALEX, Agent, _postgres_schema

pytestmark = [pytest.mark.postgres, pytest.mark.timeout(120)]
WAIT = 30  # seconds: far more than any of these turns takes


@pytest.fixture
def url() -> Iterator[str]:
    with _postgres_schema() as found:
        yield found


@pytest.fixture
def agent(url: str) -> Iterator[Agent]:
    made = Agent(url)
    yield made
    close_checkpointer(made.runner.graph.checkpointer)


def converse(agent: Agent, n: int) -> str:
    """A question, then the card: two turns, each reading and writing checkpoints."""
    thread = thread_id("pool", f"{n}-{uuid.uuid4().hex[:8]}")
    assert agent.runner.send(thread, ALEX, "same access as Priya").kind == "clarify"
    card = agent.runner.send(thread, ALEX, "for 3 days")
    assert card.kind == "proposal" and card.proposal is not None
    assert len(card.proposal.items) == 2
    return thread


def test_turns_in_many_threads_each_keep_their_own_conversation(agent: Agent) -> None:
    with ThreadPoolExecutor(max_workers=12) as turns:
        threads = list(turns.map(lambda n: converse(agent, n), range(24), timeout=WAIT * 4))
    assert len(set(threads)) == 24
    heads = {h.thread for h in agent.retention.store.heads()}
    assert set(threads) <= heads
    for thread in threads[:3]:  # each resumes from its own latest checkpoint
        assert agent.runner.confirm(thread, ALEX) is not None


def test_a_slow_checkpoint_query_holds_up_no_other_conversation(agent: Agent, url: str) -> None:
    """Deleting a conversation whose rows another transaction holds waits for it; the
    other conversations' turns go on meanwhile (on one shared connection, they waited)."""
    stuck = agent.carded()
    agent.runner.cancel(stuck, ALEX)
    with psycopg.connect(str(postgres_dsn(url))) as holder, ThreadPoolExecutor(2) as pool:
        holder.execute("SELECT 1 FROM checkpoints WHERE thread_id = %s FOR UPDATE", (stuck,))
        deleting = pool.submit(agent.retention.store.delete, stuck)
        _wait_until_blocked_by(holder)
        other = pool.submit(converse, agent, 0)
        try:
            other.result(timeout=WAIT)  # would time out while the delete waits
            assert not deleting.done()
        finally:
            holder.rollback()  # the delete goes on
        deleting.result(timeout=WAIT)
    assert agent.checkpoints(stuck) == 0


def test_connections_the_database_dropped_are_replaced(agent: Agent, url: str) -> None:
    """As after a database restart or failover: the next turns reconnect."""
    converse(agent, 0)
    pool = agent.runner.graph.checkpointer.conn
    assert isinstance(pool, ConnectionPool)
    with ExitStack() as stack:  # every connection the pool holds, at once
        held = [
            stack.enter_context(pool.connection()) for _ in range(pool.get_stats()["pool_size"])
        ]
        pids = [conn.info.backend_pid for conn in held]
    with psycopg.connect(str(postgres_dsn(url)), autocommit=True) as admin:
        for pid in pids:
            admin.execute("SELECT pg_terminate_backend(%s)", (pid,))
    converse(agent, 1)


def _wait_until_blocked_by(holder: psycopg.Connection[tuple[object, ...]]) -> None:
    """Until some session waits on a lock `holder`'s transaction holds."""
    pid = holder.info.backend_pid
    with psycopg.connect(holder.info.dsn, autocommit=True) as probe:
        deadline = time.monotonic() + WAIT
        while True:
            row = probe.execute(
                "SELECT count(*) FROM pg_stat_activity WHERE %s = ANY(pg_blocking_pids(pid))",
                (pid,),
            ).fetchone()
            if row and row[0]:
                return
            assert time.monotonic() < deadline, "the delete never waited on the held rows"
            time.sleep(0.02)
