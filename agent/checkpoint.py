"""Where conversations persist: SQLite beside the app's database, or PostgreSQL.

A conversation survives restarts and can be resumed by another process because its
state lives here, keyed by a deterministic thread id (agent.runner.thread_id).
"""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

from langgraph.checkpoint.base import BaseCheckpointSaver
from langgraph.checkpoint.memory import InMemorySaver


def sqlite_path(database_url: str) -> str | None:
    """The checkpoint file for a SQLite URL: `app.db` → `app.checkpoints.db`."""
    if not database_url.startswith("sqlite"):
        return None
    path = database_url.split("///", 1)[-1] if "///" in database_url else ""
    if not path or path == ":memory:":
        return ":memory:"
    p = Path(path)
    return str(p.with_name(p.stem + ".checkpoints" + (p.suffix or ".db")))


def postgres_dsn(database_url: str) -> str | None:
    for prefix in ("postgresql+psycopg://", "postgresql://", "postgres://"):
        if database_url.startswith(prefix):
            return "postgresql://" + database_url[len(prefix) :]
    return None


POOL_SIZE = 8  # settings.checkpoint_pool_size's default


def make_checkpointer(database_url: str, *, pool_size: int = POOL_SIZE) -> BaseCheckpointSaver[Any]:
    """`pool_size`: at most this many PostgreSQL connections (SQLite has one)."""
    dsn = postgres_dsn(database_url)
    if dsn is not None:
        from agent.checkpoint_postgres import pooled_saver

        return pooled_saver(dsn, size=pool_size)
    path = sqlite_path(database_url)
    if path is None:
        raise ValueError(f"no checkpointer for database URL {database_url!r}")
    if path == ":memory:":
        return InMemorySaver()
    from langgraph.checkpoint.sqlite import SqliteSaver

    conn = sqlite3.connect(path, check_same_thread=False)
    conn.execute("PRAGMA auto_vacuum = INCREMENTAL")  # a new file only: see checkpoint_sqlite
    conn.execute("PRAGMA journal_mode=WAL")
    saver = SqliteSaver(conn)
    saver.setup()
    return saver


def close_checkpointer(saver: BaseCheckpointSaver[Any]) -> None:
    """Give back what a checkpointer holds open (the PostgreSQL pool, the SQLite
    connection), at a process's exit; nothing for the in-memory one."""
    conn = getattr(saver, "conn", None)
    if conn is not None:
        conn.close()
