"""The PostgreSQL checkpointer on a connection pool, and upkeep of its tables (see
`agent.checkpoint_store`).

`pooled_saver`: LangGraph's PostgresSaver takes a psycopg_pool ConnectionPool as its
connection, but still holds one instance lock around every query, the lock a single
shared connection needs; with a pool it would serialise every checkpoint read and write
of up to ACCESS_AGENT_WORKERS turn threads all the same (langgraph-checkpoint-postgres
3.2; upstream langgraph#7259 reports it for the async saver). Each query takes a
connection of its own from the pool, so the lock goes: the pool's queue already bounds
how many run at once, and serves waiting threads first come, first served (a semaphore
in its place, which is not fair, left some steps waiting a second; bench.checkpoint_writes).

Trimming and deleting are the saver's own `prune`: "keep_latest" reads one snapshot
of the thread (REPEATABLE READ) and keeps the blobs the latest checkpoint still
references, so a run appending to the thread meanwhile is safe; a thread another
transaction changed under it fails with a serialization error and is simply trimmed
on the next prune. "delete" removes a thread's rows from the three tables in one
transaction. Space is not handed back to the OS: autovacuum makes the dead rows
reusable, so the tables stop growing; `VACUUM FULL` would lock them.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterator
from contextlib import contextmanager, nullcontext
from typing import Any

import psycopg
from langgraph.checkpoint.postgres import PostgresSaver
from psycopg.rows import dict_row, tuple_row
from psycopg_pool import ConnectionPool

from agent.checkpoint_store import HEADS_SQL, THREADS_SQL, Head, StoreSize

log = logging.getLogger(__name__)

OPEN_TIMEOUT = 30.0  # seconds for the first connection at start-up


def pooled_saver(
    dsn: str, *, size: int, connection_class: type[psycopg.Connection[Any]] = psycopg.Connection
) -> PostgresSaver:
    """A PostgresSaver on a pool of at most `size` connections (one kept open, more
    opened while queries wait), each as the saver needs it: autocommit, no prepared
    statements (safe behind PgBouncer), rows as dicts. Each connection is checked as
    it is lent (one more round trip): after a database restart the pool reconnects,
    where a broken connection would fail a turn (the inbox takes a driver error for a
    wrong job, not a transient one, and gives up on it). `connection_class`: a bench's
    stand-in for a distant database."""
    pool: ConnectionPool[Any] = ConnectionPool(
        dsn,
        connection_class=connection_class,
        min_size=1,
        max_size=size,
        kwargs={"autocommit": True, "prepare_threshold": 0, "row_factory": dict_row},
        check=ConnectionPool.check_connection,
        name="checkpoints",
        open=False,
    )
    try:
        pool.open(wait=True, timeout=OPEN_TIMEOUT)
        saver = PostgresSaver(pool)
        saver.lock = nullcontext()  # type: ignore[assignment]  # see the module docstring
        with setup_lock(dsn, connection_class):
            saver.setup()
    except BaseException:
        pool.close()
        raise
    return saver


SETUP_LOCK = 0x63686B7074  # "chkpt": the advisory lock id of the tables' set-up
LOCK_POLL = 0.2  # seconds between tries for it


@contextmanager
def setup_lock(dsn: str, connection_class: type[psycopg.Connection[Any]]) -> Iterator[None]:
    """One process at a time through `setup()`: its migrations are "check, then create",
    and processes starting together on an empty database failed on each other's rows
    (`checkpoint_migrations_pkey`, `pg_type_typname_nsp_index`). A connection of its own,
    outside the pool, so a pool of one connection still has it for `setup()`.

    Polled, never waited for in a statement: `setup()` runs CREATE INDEX CONCURRENTLY,
    which waits for every transaction that holds a snapshot, and a blocked
    `pg_advisory_lock` holds one, so the two waited for each other for ever."""
    with connection_class.connect(dsn, autocommit=True) as conn:
        while not _took(conn):
            time.sleep(LOCK_POLL)
        try:
            yield
        finally:
            conn.execute("SELECT pg_advisory_unlock(%s)", (SETUP_LOCK,))


def _took(conn: psycopg.Connection[Any]) -> bool:
    row = conn.execute("SELECT pg_try_advisory_lock(%s)", (SETUP_LOCK,)).fetchone()
    return bool(row and row[0])


TABLES = ("checkpoints", "checkpoint_blobs", "checkpoint_writes")  # found on search_path
SIZE_SQL = "SELECT " + " + ".join(f"pg_total_relation_size('{t}')" for t in TABLES)
RACES = (psycopg.errors.SerializationFailure, psycopg.errors.DeadlockDetected)


class PostgresStore:
    def __init__(self, saver: PostgresSaver) -> None:  # on a pool, or on one Connection
        self.saver = saver

    @contextmanager
    def _cursor(self) -> Iterator[psycopg.Cursor[tuple[Any, ...]]]:
        """A cursor on a connection of the saver's, under the saver's lock (a single
        shared connection needs it; see `pooled_saver` for a pool)."""
        conn = self.saver.conn
        lent = conn.connection() if isinstance(conn, ConnectionPool) else nullcontext(conn)
        with self.saver.lock, lent as connection, connection.cursor(row_factory=tuple_row) as cur:
            yield cur

    def _rows(self, sql: str) -> list[tuple[Any, ...]]:
        with self._cursor() as cur:
            return list(cur.execute(sql).fetchall())

    def heads(self) -> list[Head]:
        return [Head(str(t), str(latest), int(n)) for t, latest, n in self._rows(HEADS_SQL)]

    def trim(self, thread: str) -> int:
        before = self._count(thread)
        try:
            self.saver.prune([thread], strategy="keep_latest")
        except RACES as exc:
            log.info("checkpoints of %s changed while trimming (%s): next time", thread, exc)
        return before - self._count(thread)

    def _count(self, thread: str) -> int:
        with self._cursor() as cur:
            cur.execute("SELECT COUNT(*) FROM checkpoints WHERE thread_id = %s", (thread,))
            row = cur.fetchone()
        return int(row[0]) if row else 0

    def delete(self, thread: str) -> None:
        self.saver.prune([thread], strategy="delete")

    def reclaim(self) -> None:
        return None  # autovacuum (see the module docstring)

    def size(self) -> StoreSize:
        (threads,) = self._rows(THREADS_SQL)[0]
        (stored,) = self._rows(SIZE_SQL)[0]
        return StoreSize(int(stored), int(threads))
