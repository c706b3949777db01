"""`make_engine(url)`: SQLite (the default, one file) or PostgreSQL through psycopg 3."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import URL, make_url

from domain.store.types import json_dumps

DEFAULT_URL = "sqlite:///./access-agent.db"
BUSY_TIMEOUT_MS = 15_000


def database_url(url: str) -> URL:
    """`postgres://` and `postgresql://` (as hosting providers write them) use psycopg 3."""
    parsed = make_url(url.replace("postgres://", "postgresql://", 1))
    if parsed.drivername == "postgresql":
        parsed = parsed.set(drivername="postgresql+psycopg")
    return parsed


def make_engine(url: str = DEFAULT_URL, **kwargs: Any) -> Engine:
    parsed = database_url(url)
    if parsed.get_backend_name() == "sqlite":
        engine = create_engine(parsed, json_serializer=json_dumps, **kwargs)
        _configure_sqlite(engine)
        return engine
    return create_engine(parsed, json_serializer=json_dumps, pool_pre_ping=True, **kwargs)


def _configure_sqlite(engine: Engine) -> None:
    """WAL (readers never wait for the writer) with synchronous=NORMAL (a commit is
    durable against a crash of the process; only a power cut can lose the last ones,
    SQLite's recommended setting for WAL), foreign keys, a busy timeout, and real
    transactions: pysqlite's own BEGIN handling is switched off and SQLAlchemy emits
    BEGIN itself, so reads are snapshots and SAVEPOINTs work (SQLAlchemy's documented
    recipe for the sqlite3 driver). BEGIN IMMEDIATE: a transaction takes the write lock
    when it starts, waiting the busy timeout for it. With a plain (deferred) BEGIN, one
    that read and then wrote after another writer committed failed at once with
    "database is locked" (SQLite cannot upgrade a stale snapshot), which the scheduler,
    the inbox worker and a double click made common. Transactions here are short."""

    @event.listens_for(engine, "connect")
    def _connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")  # WAL: no fsync per commit, still safe
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _begin(connection: Any) -> None:
        connection.exec_driver_sql("BEGIN IMMEDIATE")
