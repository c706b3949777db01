"""One process at a time through start-up work on a shared database.

Migrations, the demo import and the checkpointer's tables are each "check, then
create": run by several processes starting at once on an empty PostgreSQL database,
they raced (duplicate keys, a deadlock). `start_up_lock` holds a session advisory lock
on a connection of its own for the whole block, so the processes that wait find the
work done. SQLite needs none: a write transaction already takes the database's lock.

The lock is polled, never waited for inside a statement: a statement blocked on it
holds a snapshot, and anything that waits for older snapshots (CREATE INDEX
CONCURRENTLY, in the checkpointer's set-up) would wait for it in turn.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import Engine, text

START_UP_LOCK = 0x6163637374  # not migrate's id: migrate takes its own lock inside this one
POLL = 0.2  # seconds between tries


@contextmanager
def start_up_lock(engine: Engine, lock_id: int = START_UP_LOCK) -> Iterator[None]:
    if engine.dialect.name != "postgresql":
        yield
        return
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        while not conn.execute(text("SELECT pg_try_advisory_lock(:id)"), {"id": lock_id}).scalar():
            time.sleep(POLL)
        try:
            yield
        finally:
            conn.execute(text("SELECT pg_advisory_unlock(:id)"), {"id": lock_id})
