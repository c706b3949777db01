"""Engine settings, migrations, and the promise that the tables match the migration."""

from __future__ import annotations

import threading
import time
from pathlib import Path

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import text

from domain.store.engine import database_url, make_engine
from domain.store.migrate import current_revision, head_revision, migrate
from domain.store.schema import metadata
from domain.store.uow import SqlUnitOfWork
from tests.integration.conftest import Store
from tests.orgs import NOW


def test_postgres_urls_use_psycopg() -> None:
    for url in ("postgres://u:p@db:5432/x", "postgresql://u:p@db/x", "postgresql+psycopg://u@db/x"):
        assert database_url(url).drivername == "postgresql+psycopg"
    assert database_url("sqlite:///./access-agent.db").drivername == "sqlite"


def test_sqlite_runs_in_wal_with_foreign_keys(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'a.db'}")
    with engine.connect() as conn:
        assert conn.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert conn.execute(text("PRAGMA foreign_keys")).scalar() == 1
        assert (conn.execute(text("PRAGMA busy_timeout")).scalar() or 0) >= 5000


def test_migrate_is_repeatable_and_reports_head(sql_store: Store) -> None:
    assert sql_store.engine is not None
    migrate(sql_store.engine)
    assert current_revision(sql_store.engine) == head_revision() == "0009"


def test_tables_and_migrations_agree(sql_store: Store) -> None:
    assert sql_store.engine is not None
    with sql_store.engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True})
        assert compare_metadata(context, metadata) == []


def test_a_fresh_database_is_at_no_revision(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'new.db'}")
    assert current_revision(engine) is None


def test_two_writers_racing_for_one_key_get_one_true(sql_store: Store) -> None:
    """Two connections (as two processes would have): the second claim waits for the
    first transaction, then sees the key taken."""
    assert sql_store.engine is not None
    first, second = SqlUnitOfWork(sql_store.engine), SqlUnitOfWork(sql_store.engine)
    results: list[bool] = []

    def claim_in_second() -> None:
        with second:
            results.append(second.keys.claim("event-1", NOW))
            second.commit()

    with first:
        assert first.keys.claim("event-1", NOW)
        racer = threading.Thread(target=claim_in_second)
        racer.start()
        time.sleep(0.3)
        assert results == []  # still waiting for the first transaction
        first.commit()
    racer.join(timeout=10)
    assert results == [False]
