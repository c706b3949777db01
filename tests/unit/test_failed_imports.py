"""An org import that fails changes nothing, is recorded in a transaction of its own,
and is claimed for the alerts channel once per cause."""

from __future__ import annotations

import pytest

from domain.errors import InvalidOrgData
from domain.model.org import OrgData
from domain.orgdata.orgfile import parse_org
from domain.ports import FixedClock
from domain.store.memory import InMemoryUnitOfWork
from domain.store.orgsync import sync_org
from domain.usecases.failed_imports import FailedImport, import_failure_alerts
from tests.orgs import NOW, SMALL_ORG, small_org

PROBLEM = 'people[2].manager: unknown person "nobody@t.test"'
BROKEN = SMALL_ORG.replace("manager: dana@t.test, slack_id: UALEX", "manager: nobody@t.test")


def broken() -> OrgData:
    return parse_org(BROKEN)


def fail(uow: InMemoryUnitOfWork, clock: FixedClock, source: str = "org.yaml") -> None:
    with pytest.raises(InvalidOrgData):
        sync_org(uow, broken, source=source, actor="system", clock=clock)


def events(uow: InMemoryUnitOfWork, action: str) -> list[dict[str, object]]:
    return [e.data for e in uow.committed_audit if e.action == action]


def test_a_refused_file_changes_nothing_and_is_recorded_with_its_error() -> None:
    uow, clock = InMemoryUnitOfWork(small_org()), FixedClock(NOW)
    version = uow.org.version()
    fail(uow, clock)
    assert uow.org.version() == version
    assert [e.action for e in uow.committed_audit] == ["org.import_failed"]
    (failed,) = events(uow, "org.import_failed")
    assert failed["file"] == "org.yaml"
    assert failed["error"] == "org data rejected, 1 problem:"
    assert failed["problems"] == [PROBLEM]


def test_an_org_refused_inside_the_import_is_recorded_too() -> None:
    """`import_org` checks again what a connector hands over without `parse_org`."""
    uow, clock = InMemoryUnitOfWork(small_org()), FixedClock(NOW)
    bad = small_org()
    bad.people[2].manager = "nobody@t.test"
    with pytest.raises(InvalidOrgData):
        sync_org(uow, lambda: bad, source="hr-sync", actor="cli", clock=clock)
    assert [e["file"] for e in events(uow, "org.import_failed")] == ["hr-sync"]


def test_a_good_file_records_no_failure() -> None:
    uow, clock = InMemoryUnitOfWork(), FixedClock(NOW)
    sync_org(uow, small_org, source="org.yaml", actor="cli", clock=clock)
    assert [e.action for e in uow.committed_audit] == ["org.imported"]
    assert import_failure_alerts(uow=uow, clock=clock) == []


def alerted(uow: InMemoryUnitOfWork, clock: FixedClock) -> list[str]:
    return [f.source for f in import_failure_alerts(uow=uow, clock=clock)]


def test_each_cause_is_alerted_once_and_audited() -> None:
    uow, clock = InMemoryUnitOfWork(small_org()), FixedClock(NOW)
    fail(uow, clock)
    fail(uow, clock)  # a restart loop on the same file: the same cause
    fail(uow, clock, source="other.yaml")
    assert alerted(uow, clock) == ["org.yaml", "other.yaml"]
    assert alerted(uow, clock) == []  # the next tick, or another process
    assert [e["file"] for e in events(uow, "alert.org_import_failed")] == [
        "org.yaml",
        "other.yaml",
    ]


def test_the_same_failure_after_a_good_import_is_a_new_cause() -> None:
    uow, clock = InMemoryUnitOfWork(small_org()), FixedClock(NOW)
    fail(uow, clock)
    assert alerted(uow, clock) == ["org.yaml"]
    fixed = small_org()
    fixed.org.reasons.append("Audit")
    sync_org(uow, lambda: fixed, source="org.yaml", actor="system", clock=clock)
    fail(uow, clock)  # broken again, the same way: news again
    assert alerted(uow, clock) == ["org.yaml"]


def test_a_failure_on_an_empty_store_is_alerted_with_what_was_wrong() -> None:
    uow, clock = InMemoryUnitOfWork(), FixedClock(NOW)
    fail(uow, clock)
    (failure,) = import_failure_alerts(uow=uow, clock=clock)
    assert failure == FailedImport(
        cause=failure.cause,
        source="org.yaml",
        error="org data rejected, 1 problem:",
        problems=(PROBLEM,),
        at=NOW,
        actor="system",
    )


def test_a_failure_older_than_a_week_is_history_not_news() -> None:
    uow, clock = InMemoryUnitOfWork(small_org()), FixedClock(NOW)
    fail(uow, clock)
    clock.advance(days=8)
    assert alerted(uow, clock) == []
