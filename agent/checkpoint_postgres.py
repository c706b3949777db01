"""Upkeep of the PostgreSQL checkpoint tables (see `agent.checkpoint_store`).

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
from typing import Any

import psycopg

from agent.checkpoint_store import HEADS_SQL, THREADS_SQL, Head, StoreSize

log = logging.getLogger(__name__)

TABLES = ("checkpoints", "checkpoint_blobs", "checkpoint_writes")  # found on search_path
SIZE_SQL = "SELECT " + " + ".join(f"pg_total_relation_size('{t}')" for t in TABLES)
RACES = (psycopg.errors.SerializationFailure, psycopg.errors.DeadlockDetected)


class PostgresStore:
    def __init__(self, saver: Any) -> None:  # a PostgresSaver on one Connection
        self.saver = saver

    def _rows(self, sql: str) -> list[tuple[Any, ...]]:
        with self.saver.lock, self.saver.conn.cursor(row_factory=psycopg.rows.tuple_row) as cur:
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
        with self.saver.lock, self.saver.conn.cursor(row_factory=psycopg.rows.tuple_row) as cur:
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
