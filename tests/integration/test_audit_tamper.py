"""Someone with database access changes history: `verify_trail` names the first row
that no longer fits, whether they got past the append-only triggers (PostgreSQL:
session_replication_role; SQLite: dropped and put back) or simply dropped them."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from alembic import command
from sqlalchemy import Connection, Engine, text

from domain.model.requests import AuditEvent
from domain.store.engine import make_engine
from domain.store.migrate import alembic_config, migrate
from domain.store.uow import SqlUnitOfWork
from domain.usecases.audit import verify_trail
from tests.integration.conftest import Store, postgres_url

T0 = datetime(2026, 3, 4, 15, 0, tzinfo=UTC)
SQLITE_TRIGGERS = ("UPDATE", "DELETE")


@pytest.fixture
def trail(sql_store: Store) -> Store:
    """Five rows in three transactions."""
    for actions in (["request.submitted"], ["step.approved", "request.approved"], ["a", "b"]):
        with sql_store.uow() as uow:
            for action in actions:
                uow.audit.append(AuditEvent(at=T0, actor="dana", action=action, request_id="AR-1"))
            uow.commit()
    assert verify_trail(sql_store.uow()).ok
    return sql_store


def drop_triggers(conn: Connection) -> None:
    if conn.dialect.name == "postgresql":
        conn.execute(text("DROP TRIGGER audit_events_no_change ON audit_events"))
        return
    for name in SQLITE_TRIGGERS:
        conn.execute(text(f"DROP TRIGGER audit_events_no_{name.lower()}"))


def restore_triggers(conn: Connection) -> None:
    for name in SQLITE_TRIGGERS:
        conn.execute(
            text(
                f"CREATE TRIGGER audit_events_no_{name.lower()} BEFORE {name} ON audit_events"
                " BEGIN SELECT RAISE(ABORT, 'audit_events is append-only'); END"
            )
        )


def tamper(store: Store, *statements: str) -> None:
    """Past the triggers, covering the tracks: the triggers are in place afterwards."""
    assert store.engine is not None
    with store.engine.begin() as conn:
        if conn.dialect.name == "postgresql":
            conn.execute(text("SET LOCAL session_replication_role = replica"))
        else:
            drop_triggers(conn)
        for sql in statements:
            conn.execute(text(sql))
        if conn.dialect.name == "sqlite":
            restore_triggers(conn)


def broken(store: Store) -> tuple[int | None, str]:
    verdict = verify_trail(store.uow())
    assert verdict.broken is not None, "tampering went unnoticed"
    return verdict.broken.seq, verdict.broken.reason


def test_an_edited_row_is_named(trail: Store) -> None:
    tamper(trail, "UPDATE audit_events SET actor = 'mallory' WHERE seq = 3")
    assert broken(trail) == (3, "content does not match its hash: edited")


def test_an_edited_data_field_is_named(trail: Store) -> None:
    tamper(trail, """UPDATE audit_events SET data = '{"comment": "ok"}' WHERE seq = 2""")
    assert broken(trail)[0] == 2


def test_a_deleted_row_is_named_by_the_row_after_it(trail: Store) -> None:
    tamper(trail, "DELETE FROM audit_events WHERE seq = 2")
    assert broken(trail) == (3, "expected seq 2: row(s) missing (deleted)")


def test_deleting_the_newest_rows_is_caught_by_the_head(trail: Store) -> None:
    tamper(trail, "DELETE FROM audit_events WHERE seq >= 4")
    seq, reason = broken(trail)
    assert seq == 5 and "the chain ends at seq 3" in reason


def test_reordered_rows_are_named(trail: Store) -> None:
    tamper(
        trail,
        "UPDATE audit_events SET seq = 100 WHERE seq = 2",
        "UPDATE audit_events SET seq = 2 WHERE seq = 3",
        "UPDATE audit_events SET seq = 3 WHERE seq = 100",
    )
    assert broken(trail) == (2, "previous hash does not match: reordered")


def test_swapped_contents_are_named(trail: Store) -> None:
    tamper(
        trail,
        "UPDATE audit_events SET action = 'x' WHERE seq = 2",
        "UPDATE audit_events SET action = 'step.approved' WHERE seq = 3",
        "UPDATE audit_events SET action = 'request.approved' WHERE seq = 2",
    )
    assert broken(trail)[0] == 2


def test_an_edit_after_dropping_the_triggers_is_caught(trail: Store) -> None:
    assert trail.engine is not None
    with trail.engine.begin() as conn:
        drop_triggers(conn)
    with trail.engine.begin() as conn:
        conn.execute(text("UPDATE audit_events SET action = 'request.rejected' WHERE seq = 4"))
    assert broken(trail) == (4, "content does not match its hash: edited")


def test_a_row_written_around_the_app_is_named(trail: Store) -> None:
    assert trail.engine is not None
    with trail.engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO audit_events (at, actor, action, data)"
                " VALUES (:at, 'mallory', 'step.approved', '{}')"
            ),
            {"at": T0.replace(tzinfo=None)},
        )
    seq, reason = broken(trail)
    assert seq is None and "outside the app" in reason


def test_the_triggers_still_refuse_a_plain_update(trail: Store) -> None:
    assert trail.engine is not None
    with pytest.raises(Exception, match="append-only"), trail.engine.begin() as conn:
        conn.execute(text("UPDATE audit_events SET actor = 'x'"))


@pytest.fixture
def old_sqlite(tmp_path: Path) -> Iterator[Engine]:
    engine = make_engine(f"sqlite:///{tmp_path / 'old.db'}")
    yield engine
    engine.dispose()


@pytest.fixture
def old_postgres() -> Iterator[Engine]:
    """An empty schema of its own (the shared fixture migrates to head at once)."""
    url = postgres_url()
    schema = f"test_{uuid.uuid4().hex[:12]}"
    admin = make_engine(url)
    with admin.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    engine = make_engine(url, connect_args={"options": f"-csearch_path={schema}"})
    try:
        yield engine
    finally:
        engine.dispose()
        with admin.begin() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


@pytest.mark.parametrize(
    "backend", ["old_sqlite", pytest.param("old_postgres", marks=pytest.mark.postgres)]
)
def test_upgrading_chains_existing_rows(backend: str, request: pytest.FixtureRequest) -> None:
    """Rows written before 0004 are chained in id order; new ones continue the chain."""
    engine: Engine = request.getfixturevalue(backend)
    with engine.begin() as conn:
        command.upgrade(alembic_config(conn), "0003")
        for n, data in enumerate(['{"b": 1.0, "a": "für"}', '{"n": [1, 2]}', "{}"]):
            conn.execute(
                text(
                    "INSERT INTO audit_events (at, actor, action, request_id, data)"
                    " VALUES (:at, 'dana', :action, 'AR-1', :data)"
                ),
                {"at": T0.replace(tzinfo=None), "action": f"old.{n}", "data": data},
            )
    migrate(engine)
    uow = SqlUnitOfWork(engine)
    with uow:
        uow.audit.append(AuditEvent(at=T0, actor="dana", action="new", request_id="AR-1"))
        uow.commit()
    verdict = verify_trail(SqlUnitOfWork(engine))
    assert verdict.broken is None and verdict.head.seq == 4
    with uow:
        assert [e.action for e in uow.audit.since()] == ["old.0", "old.1", "old.2", "new"]
