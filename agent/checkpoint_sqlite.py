"""Upkeep of the SQLite checkpoint file (see `agent.checkpoint_store`).

Every statement runs on the saver's own connection under the saver's lock, so it is
serialised with the graph's reads and writes in this process; SQLite's write lock
serialises it with other processes (they wait up to the connection's busy timeout).

Space: the file is created with `auto_vacuum=INCREMENTAL` (`agent.checkpoint`), so
freed pages can be handed back to the file system without rewriting the database.
`reclaim` does it in steps of RECLAIM_PAGES pages, taking the lock for one step at a
time, so a turn never waits behind more than one step (~4 MB of page moves). A file
made before that setting (auto_vacuum off) is converted once with a full VACUUM, which
holds the write lock while it copies what is left after pruning (it runs at start-up,
on the first prune). Last, the WAL is checkpointed and truncated, since the -wal file
keeps its largest size otherwise.
"""

from __future__ import annotations

import os
import sqlite3
from typing import Any

from agent.checkpoint_store import HEADS_SQL, THREADS_SQL, Head, StoreSize

RECLAIM_PAGES = 1024
INCREMENTAL = 2  # PRAGMA auto_vacuum's value for incremental mode

# The latest checkpoint of each (thread, namespace) is the one `get_tuple` loads:
# the greatest id. Writes go by the checkpoints deleted (ids below the latest), never
# by "not the latest": a run may save a new checkpoint's writes before the checkpoint.
TRIM_SQL = (
    "DELETE FROM writes WHERE thread_id = ? AND checkpoint_id < ("
    " SELECT MAX(c.checkpoint_id) FROM checkpoints c"
    " WHERE c.thread_id = writes.thread_id AND c.checkpoint_ns = writes.checkpoint_ns)",
    "DELETE FROM checkpoints WHERE thread_id = ? AND checkpoint_id < ("
    " SELECT MAX(c.checkpoint_id) FROM checkpoints c"
    " WHERE c.thread_id = checkpoints.thread_id AND c.checkpoint_ns = checkpoints.checkpoint_ns)",
    "UPDATE checkpoints SET parent_checkpoint_id = NULL WHERE thread_id = ?"
    " AND parent_checkpoint_id IS NOT NULL",
)


class SqliteStore:
    def __init__(self, saver: Any) -> None:  # a SqliteSaver (its .conn, .lock, .cursor)
        self.saver = saver

    def heads(self) -> list[Head]:
        with self.saver.cursor(transaction=False) as cur:
            rows = cur.execute(HEADS_SQL).fetchall()
        return [Head(str(t), str(latest), int(n)) for t, latest, n in rows]

    def trim(self, thread: str) -> int:
        with self.saver.cursor() as cur:
            before = self._count(cur, thread)
            for sql in TRIM_SQL:
                cur.execute(sql, (thread,))
            return before - self._count(cur, thread)

    @staticmethod
    def _count(cur: sqlite3.Cursor, thread: str) -> int:
        row = cur.execute("SELECT COUNT(*) FROM checkpoints WHERE thread_id = ?", (thread,))
        return int(row.fetchone()[0])

    def delete(self, thread: str) -> None:
        self.saver.delete_thread(thread)  # both tables, one transaction

    def reclaim(self) -> None:
        """Free pages back to the file system, then the WAL truncated; nothing when
        there is nothing to free (it runs on every prune)."""
        converted = self._convert()
        free = self._free_pages()
        if not (free or converted):
            return
        while free:
            with self.saver.lock:
                # executescript steps the pragma to the end; execute() frees one page
                self.saver.conn.executescript(f"PRAGMA incremental_vacuum({RECLAIM_PAGES});")
            left = self._free_pages()
            if left >= free:  # nothing moved (no incremental mode): stop, never spin
                break
            free = left
        with self.saver.lock:
            self.saver.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchall()

    def _convert(self) -> bool:
        """Turn incremental auto_vacuum on in a file made without it (one VACUUM)."""
        conn: sqlite3.Connection = self.saver.conn
        with self.saver.lock:
            if conn.execute("PRAGMA auto_vacuum").fetchone()[0] == INCREMENTAL:
                return False
            conn.commit()
            conn.execute("PRAGMA auto_vacuum = INCREMENTAL")
            conn.execute("VACUUM")
        return True

    def _free_pages(self) -> int:
        with self.saver.lock:
            return int(self.saver.conn.execute("PRAGMA freelist_count").fetchone()[0])

    def size(self) -> StoreSize:
        with self.saver.cursor(transaction=False) as cur:
            threads = int(cur.execute(THREADS_SQL).fetchone()[0])
            pages = cur.execute("PRAGMA page_count").fetchone()[0]
            page_size = cur.execute("PRAGMA page_size").fetchone()[0]
            path = next(row[2] for row in cur.execute("PRAGMA database_list") if row[1] == "main")
        return StoreSize(_on_disk(path) if path else pages * page_size, threads)


def _on_disk(path: str) -> int:
    """The database file and its write-ahead log, as the file system counts them."""
    return sum(os.path.getsize(p) for p in (path, path + "-wal") if os.path.exists(p))
