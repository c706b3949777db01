"""`make_engine(url)`: SQLite (the default, one file) or PostgreSQL through psycopg 3."""

from __future__ import annotations

from typing import Any

import psycopg
from sqlalchemy import Engine as Engine  # noqa: PLC0414 (explicit re-export for slack_app)
from sqlalchemy import create_engine, event, text
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import DBAPIError, InterfaceError, OperationalError

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


def ping(engine: Engine) -> None:
    """One round trip (health checks, doctor); raises whatever the driver raises."""
    with engine.connect() as conn:
        conn.execute(text("SELECT 1"))


def unavailable(error: BaseException | None) -> bool:
    """The database was away or the connection dropped: worth a retry, the work was fine.
    Here so that callers outside `domain.store` need not know SQLAlchemy's exceptions."""
    if isinstance(error, OperationalError | InterfaceError):
        return True
    if isinstance(error, psycopg.OperationalError | psycopg.InterfaceError):
        return True  # the pooled PostgreSQL checkpointer's, not wrapped by SQLAlchemy
    return isinstance(error, DBAPIError) and error.connection_invalidated


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
