"""The scheduler's tick on the SQL stores: a restarted process (a new engine on the
same SQLite file) does not warn twice, and replicas ticking at once (connections in
threads) warn once and expire once."""

from __future__ import annotations

from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import Engine

from domain.connectors import ConnectorRegistry
from domain.model.directory import Directory
from domain.model.requests import AccessRequest, RequestItem
from domain.ports import FixedClock
from domain.store.engine import make_engine
from domain.store.migrate import migrate
from domain.store.orgsync import import_org
from domain.store.uow import SqlUnitOfWork
from domain.usecases.decisions import approve
from domain.usecases.fulfillment import complete_task
from domain.usecases.scheduler import TickReport, tick
from domain.usecases.submission import Draft, submit
from tests.integration.conftest import Store
from tests.orgs import NOW, small_org
from tests.outboxes import fulfil_now

ALEX, DANA, OMAR = "alex@t.test", "dana@t.test", "omar@t.test"
WARN = timedelta(hours=24)


@pytest.fixture
def url(tmp_path: Path) -> Iterator[str]:
    url = f"sqlite:///{tmp_path / 'store.db'}"
    engine = make_engine(url)
    migrate(engine)
    engine.dispose()
    yield url


def granted(engine: Engine, clock: FixedClock) -> AccessRequest:
    import_org(SqlUnitOfWork(engine), small_org(), actor="system", clock=clock)
    with SqlUnitOfWork(engine) as uow:
        data = uow.org.load()
    assert data is not None
    directory = Directory(data)
    item = RequestItem(entitlement_id="github:write", app_id="github", identity_id="github:alex-m")
    draft = Draft(
        requester=ALEX,
        beneficiary=ALEX,
        items=[item],
        end=NOW + timedelta(days=7),
        reason="New project",
    )
    (request,) = submit(
        uow=SqlUnitOfWork(engine), directory=directory, draft=draft, actor=ALEX, clock=clock
    )
    for approver in (DANA, OMAR):
        approve(uow=SqlUnitOfWork(engine), request_id=request.id, approver=approver, clock=clock)
    fulfil_now(SqlUnitOfWork(engine), request.id, clock, ConnectorRegistry())
    return complete_task(
        uow=SqlUnitOfWork(engine),
        directory=directory,
        request_id=request.id,
        actor=OMAR,
        clock=clock,
        success=True,
    )


def run(engine: Engine, clock: FixedClock) -> TickReport:
    return tick(
        uow=SqlUnitOfWork(engine),
        clock=clock,
        warn_before=WARN,
    )


def test_a_restarted_process_does_not_warn_again(url: str) -> None:
    before, clock = make_engine(url), FixedClock(NOW)
    rid = granted(before, clock).id
    clock.advance(days=6, hours=12)
    assert [r.id for r in run(before, clock).expiring] == [rid]
    before.dispose()  # the process ends; a new one starts on the same database
    after = make_engine(url)
    try:
        assert run(after, FixedClock(clock.now())) == TickReport()
        clock.advance(hours=12)
        assert [r.id for r in run(after, clock).expired] == [rid]
    finally:
        after.dispose()


def race(engine: Engine, clock: FixedClock) -> list[str]:
    """Eight ticks at once on four connections: who was told about what."""
    with ThreadPoolExecutor(max_workers=4) as pool:
        reports = list(pool.map(lambda _: run(engine, clock), range(8)))
    return [r.id for report in reports for r in (*report.expired, *report.expiring)]


def test_replicas_ticking_at_once_warn_once(sql_store: Store) -> None:
    assert sql_store.engine is not None
    clock = FixedClock(NOW)
    rid = granted(sql_store.engine, clock).id
    clock.advance(days=6, hours=12)
    assert race(sql_store.engine, clock) == [rid]


def test_replicas_ticking_at_once_expire_once(pg_store: Store) -> None:
    """PostgreSQL only: SQLite has one writer, and a second process's expiry waits,
    then fails with "database is locked" and is tried again on its next tick."""
    assert pg_store.engine is not None
    clock = FixedClock(NOW)
    rid = granted(pg_store.engine, clock).id
    clock.advance(days=7)
    assert race(pg_store.engine, clock) == [rid]


def waiting(engine: Engine, clock: FixedClock) -> tuple[AccessRequest, Directory]:
    """github:write for Alex, submitted and not answered (Dana's step)."""
    import_org(SqlUnitOfWork(engine), small_org(), actor="system", clock=clock)
    directory = Directory(small_org())
    item = RequestItem(entitlement_id="github:write", app_id="github", identity_id="github:alex-m")
    draft = Draft(
        requester=ALEX, beneficiary=ALEX, items=[item], end=NOW + timedelta(days=30), reason="Other"
    )
    (request,) = submit(
        uow=SqlUnitOfWork(engine), directory=directory, draft=draft, actor=ALEX, clock=clock
    )
    return request, directory


def chase(engine: Engine, clock: FixedClock, directory: Directory) -> list[tuple[str, str]]:
    report = tick(uow=SqlUnitOfWork(engine), clock=clock, warn_before=WARN, directory=directory)
    return [(f.kind.value, f.request.id) for f in report.followups]


def test_a_restarted_process_reminds_and_escalates_once(url: str) -> None:
    before, clock = make_engine(url), FixedClock(NOW)  # Wednesday
    request, directory = waiting(before, clock)
    clock.advance(days=1)
    assert chase(before, clock, directory) == [("reminder", request.id)]
    before.dispose()
    after = make_engine(url)
    try:
        assert chase(after, clock, directory) == []
        clock.advance(days=4)  # Monday: three business days
        assert chase(after, clock, directory) == [("escalation", request.id)]
        assert chase(after, clock, directory) == []
        with SqlUnitOfWork(after) as uow:
            stored = uow.requests.get(request.id)
            actions = [e.action for e in uow.audit.for_request(request.id)]
        assert stored is not None and stored.steps[0].approvers == [DANA, "ceo@t.test"]
        assert actions.count("request.reminded") == actions.count("request.escalated") == 1
    finally:
        after.dispose()


def test_replicas_chasing_at_once_remind_once(sql_store: Store) -> None:
    assert sql_store.engine is not None
    engine, clock = sql_store.engine, FixedClock(NOW)
    request, directory = waiting(engine, clock)
    clock.advance(days=1)
    with ThreadPoolExecutor(max_workers=4) as pool:
        made = list(pool.map(lambda _: chase(engine, clock, directory), range(8)))
    assert [m for ms in made for m in ms] == [("reminder", request.id)]
