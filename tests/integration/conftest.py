"""Stores for the integration tests: the in-memory fake, SQLite in a temp file, and
PostgreSQL when DATABASE_URL points at a server (each test in a fresh schema).

    DATABASE_URL=postgresql+psycopg://postgres@127.0.0.1:5432/test pytest tests/integration

Without DATABASE_URL the PostgreSQL cases are skipped, except under CI=true, where
they fail: CI must run them.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlalchemy import Engine, text
from sqlalchemy.exc import OperationalError

from domain.ports import UnitOfWork
from domain.store.engine import make_engine
from domain.store.memory import InMemoryUnitOfWork
from domain.store.migrate import migrate
from domain.store.uow import SqlUnitOfWork


@dataclass
class Store:
    name: str
    uow: Callable[[], UnitOfWork]
    engine: Engine | None = None


def postgres_url() -> str:
    url = os.environ.get("DATABASE_URL", "")
    if url.startswith(("postgres://", "postgresql")):
        return url
    reason = "PostgreSQL tests need DATABASE_URL=postgresql+psycopg://USER@HOST:PORT/DB"
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"CI must run the PostgreSQL tests: {reason}", pytrace=False)
    pytest.skip(reason)


def fresh_postgres_database(prefix: str) -> Iterator[str]:
    """The URL of a new, empty database on DATABASE_URL's server, dropped afterwards: for
    tests whose other processes must see it (a schema on search_path would not follow
    them). An unreachable server skips, or fails under CI=true."""
    url = postgres_url()
    admin = make_engine(url, isolation_level="AUTOCOMMIT")
    name = f"{prefix}_{uuid.uuid4().hex[:12]}"
    try:
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
    except OperationalError as exc:
        admin.dispose()
        reason = f"PostgreSQL at DATABASE_URL unreachable: {exc}"
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(f"CI must run the PostgreSQL tests: {reason}", pytrace=False)
        pytest.skip(reason)
    try:
        yield admin.url.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def _memory() -> Iterator[Store]:
    uow = InMemoryUnitOfWork()
    yield Store("memory", lambda: uow)


def _sqlite(tmp_path: Path) -> Iterator[Store]:
    engine = make_engine(f"sqlite:///{tmp_path / 'store.db'}")
    migrate(engine)
    yield Store("sqlite", lambda: SqlUnitOfWork(engine), engine)
    engine.dispose()


def _postgres() -> Iterator[Store]:
    """A schema of its own per test, found through search_path, dropped afterwards."""
    url = postgres_url()
    schema = f"test_{uuid.uuid4().hex[:12]}"
    admin = make_engine(url)
    with admin.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    engine = make_engine(url, connect_args={"options": f"-csearch_path={schema}"})
    try:
        migrate(engine)
        yield Store("postgres", lambda: SqlUnitOfWork(engine), engine)
    finally:
        engine.dispose()
        with admin.begin() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


POSTGRES = pytest.param("postgres", marks=pytest.mark.postgres)


def _open(name: str, tmp_path: Path) -> Iterator[Store]:
    if name == "memory":
        return _memory()
    if name == "sqlite":
        return _sqlite(tmp_path)
    return _postgres()


@pytest.fixture(params=["memory", "sqlite", POSTGRES])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Store]:
    """Every unit of work that must honour the same contract."""
    yield from _open(request.param, tmp_path)


@pytest.fixture(params=["sqlite", POSTGRES])
def sql_store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Store]:
    """The SQL stores only (an `engine` to inspect rows, triggers, migrations)."""
    yield from _open(request.param, tmp_path)


@pytest.fixture
def pg_store(tmp_path: Path) -> Iterator[Store]:
    yield from _postgres()
