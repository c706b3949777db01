"""The scheduler's tick: access ends on time, and its holders are warned once before.

Each test grants github:write to Alex through the real use cases (submit, two
approvals, the owner's manual task) on the in-memory unit of work, then moves the
clock and ticks.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

import pytest

from domain.connectors import ConnectorRegistry
from domain.model.directory import Directory
from domain.model.requests import AccessRequest, RequestItem, State
from domain.ports import FixedClock, FulfillmentResult, Outcome
from domain.store.memory import InMemoryUnitOfWork
from domain.usecases.decisions import approve
from domain.usecases.fulfillment import complete_task
from domain.usecases.outbox import retry
from domain.usecases.scheduler import TickReport, tick, warning_key
from domain.usecases.submission import Draft, submit
from tests.orgs import NOW, small_org
from tests.outboxes import drain, fulfil_now

ALEX, DANA, OMAR = "alex@t.test", "dana@t.test", "omar@t.test"
DAY = timedelta(days=1)
WARN = timedelta(hours=24)


@pytest.fixture
def uow() -> InMemoryUnitOfWork:
    return InMemoryUnitOfWork(small_org())


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(NOW)


def directory(uow: InMemoryUnitOfWork) -> Directory:
    with uow:
        data = uow.org.load()
    assert data is not None
    return Directory(data)


def granted(
    uow: InMemoryUnitOfWork, clock: FixedClock, *, end: datetime | None = NOW + 7 * DAY
) -> AccessRequest:
    """github:write for Alex, approved by Dana and Omar, granted by Omar's manual task."""
    request = approved_only(uow, clock, end=end)
    fulfil_now(uow, request.id, clock, ConnectorRegistry())
    done = complete_task(
        uow=uow,
        directory=directory(uow),
        request_id=request.id,
        actor=OMAR,
        clock=clock,
        success=True,
    )
    assert done.state is State.FULFILLED
    return done


def run(uow: Any, clock: FixedClock, connectors: Any = None) -> TickReport:
    """A tick, then the outbox worker's turn."""
    report = tick(uow=uow, clock=clock, warn_before=WARN)
    drain(uow, clock, connectors or ConnectorRegistry())
    return report


def ids(requests: list[AccessRequest]) -> list[str]:
    return [r.id for r in requests]


def state(uow: InMemoryUnitOfWork, request_id: str) -> State:
    with uow:
        found = uow.requests.get(request_id)
    assert found is not None
    return found.state


def actions(uow: InMemoryUnitOfWork) -> list[str]:
    return [e.action for e in uow.committed_audit]


def test_nothing_to_do_right_after_the_grant(uow: InMemoryUnitOfWork, clock: FixedClock) -> None:
    granted(uow, clock)
    assert run(uow, clock) == TickReport()


def test_warns_once_inside_the_window(uow: InMemoryUnitOfWork, clock: FixedClock) -> None:
    rid = granted(uow, clock).id
    clock.advance(days=6, hours=1)  # 23 h left
    first = run(uow, clock)
    assert ids(first.expiring) == [rid] and first.expired == []
    assert first.expiring[0].state is State.FULFILLED
    clock.advance(hours=1)
    assert run(uow, clock) == TickReport()


@pytest.mark.parametrize(("left", "warned"), [(WARN + timedelta(seconds=1), False), (WARN, True)])
def test_the_window_opens_warn_before_the_end(
    uow: InMemoryUnitOfWork, clock: FixedClock, left: timedelta, warned: bool
) -> None:
    request = granted(uow, clock)
    assert request.end is not None
    clock.current = request.end - left
    assert ids(run(uow, clock).expiring) == ([request.id] if warned else [])


def test_permanent_access_is_neither_warned_nor_expired(
    uow: InMemoryUnitOfWork, clock: FixedClock
) -> None:
    rid = granted(uow, clock, end=None).id
    clock.advance(days=400)
    assert run(uow, clock) == TickReport()
    assert state(uow, rid) is State.FULFILLED


def test_expires_at_its_end_once(uow: InMemoryUnitOfWork, clock: FixedClock) -> None:
    request = granted(uow, clock)
    assert request.end is not None
    clock.current = request.end
    report = run(uow, clock)
    assert ids(report.expired) == [request.id] and report.expiring == []
    assert report.expired[0].state is State.EXPIRED
    assert "github:write" not in directory(uow).held_by(ALEX)
    assert run(uow, clock) == TickReport()
    assert actions(uow).count("request.expired") == 1


def test_a_missed_warning_is_not_sent_after_the_end(
    uow: InMemoryUnitOfWork, clock: FixedClock
) -> None:
    """Down for the whole window: at the next tick the access expires, with no warning."""
    rid = granted(uow, clock).id
    clock.advance(days=8)
    report = run(uow, clock)
    assert ids(report.expired) == [rid] and report.expiring == []


def test_a_restart_does_not_warn_twice(uow: InMemoryUnitOfWork, clock: FixedClock) -> None:
    """Nothing is remembered in the process: a new process with a new clock and new
    connectors, on the same store, finds the warning already claimed."""
    rid = granted(uow, clock).id
    clock.advance(days=6, hours=12)
    assert ids(run(uow, clock).expiring) == [rid]
    restarted = FixedClock(clock.now() + timedelta(minutes=1))
    assert run(uow, restarted, ConnectorRegistry()) == TickReport()


def test_a_moved_end_warns_again(uow: InMemoryUnitOfWork, clock: FixedClock) -> None:
    request = granted(uow, clock)
    assert request.end is not None
    clock.advance(days=6, hours=12)
    assert ids(run(uow, clock).expiring) == [request.id]
    with uow:  # as an extension would: the same request, a later end
        stored = uow.requests.get(request.id)
        assert stored is not None
        stored.end = request.end + 2 * DAY
        uow.requests.save(stored)
        uow.commit()
    assert run(uow, clock) == TickReport()  # the new end is not in the window yet
    clock.advance(days=2)
    assert ids(run(uow, clock).expiring) == [request.id]
    assert warning_key(request) != warning_key(stored)


def test_access_granted_inside_the_window_is_not_warned(
    uow: InMemoryUnitOfWork, clock: FixedClock
) -> None:
    """A 6-hour grant: the "granted" notice already said when it ends."""
    rid = granted(uow, clock, end=NOW + timedelta(hours=6)).id
    assert run(uow, clock) == TickReport()
    clock.advance(hours=6)
    assert ids(run(uow, clock).expired) == [rid]


@dataclass
class FlakyConnector:
    """Revokes fail (or raise) `failures` times, then succeed."""

    failures: int = 1
    raises: bool = False
    name: str = "flaky"
    calls: list[str] = field(default_factory=list)

    def grant(self, request: AccessRequest, item: RequestItem, *, key: str) -> FulfillmentResult:
        return FulfillmentResult(Outcome.DONE)

    def revoke(self, request: AccessRequest, item: RequestItem, *, key: str) -> FulfillmentResult:
        self.calls.append(request.id)
        if len(self.calls) <= self.failures:
            if self.raises:
                raise ConnectionError("github is down")
            return FulfillmentResult(Outcome.FAILED, "github is down")
        return FulfillmentResult(Outcome.DONE)


@pytest.mark.parametrize("raises", [False, True])
def test_a_failed_revoke_keeps_the_grant_until_an_owner_retries(
    uow: InMemoryUnitOfWork, clock: FixedClock, raises: bool
) -> None:
    """The access window closes at its end; the grant is recorded as held until the
    target really took it away (the owners are told, and retry)."""
    rid = granted(uow, clock).id
    flaky = FlakyConnector(raises=raises)
    connectors = ConnectorRegistry(by_app={"github": flaky})
    clock.advance(days=7)
    assert ids(run(uow, clock, connectors).expired) == [rid]
    assert state(uow, rid) is State.EXPIRED
    assert "github:write" in directory(uow).held_by(ALEX, at=NOW)
    assert actions(uow)[-1] == "revocation.failed"
    clock.advance(minutes=1)
    assert run(uow, clock, connectors) == TickReport()  # not expired twice
    with uow:
        (row,) = [d for d in uow.outbox.for_request(rid) if d.action == "revoke"]
    retry(uow=uow, directory=directory(uow), delivery_id=row.id, actor=OMAR, clock=clock)
    drain(uow, clock, connectors)
    assert flaky.calls == [rid, rid]
    assert "github:write" not in directory(uow).held_by(ALEX, at=NOW)


def test_a_failing_request_does_not_hold_up_the_others(
    uow: InMemoryUnitOfWork, clock: FixedClock
) -> None:
    first = granted(uow, clock).id
    item = RequestItem(entitlement_id="aws-prod:read-only", app_id="aws-prod", identity_id="new")
    draft = Draft(
        requester=ALEX, beneficiary=ALEX, items=[item], end=NOW + DAY, reason="New project"
    )
    (second,) = submit(uow=uow, directory=directory(uow), draft=draft, actor=ALEX, clock=clock)
    approve(uow=uow, request_id=second.id, approver=DANA, clock=clock)
    fulfil_now(uow, second.id, clock, ConnectorRegistry())
    complete_task(
        uow=uow,
        directory=directory(uow),
        request_id=second.id,
        actor="sam@t.test",
        clock=clock,
        success=True,
    )
    connectors = ConnectorRegistry(by_app={"github": FlakyConnector(failures=99, raises=True)})
    clock.advance(days=8)
    assert sorted(ids(run(uow, clock, connectors).expired)) == sorted([first, second.id])
    held = directory(uow).held_by(ALEX, at=NOW)
    assert "github:write" in held and "aws-prod:read-only" not in held


class StaleDue:
    """Another replica's view: it read the due list before this one expired them."""

    def __init__(self, uow: InMemoryUnitOfWork, due: list[AccessRequest]) -> None:
        self._uow, self._due = uow, due

    def __enter__(self) -> StaleDue:
        self._uow.__enter__()
        return self

    def __exit__(self, *exc: Any) -> None:
        self._uow.__exit__(*exc)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._uow, name)

    @property
    def requests(self) -> Any:
        stale, real = self._due, self._uow.requests

        class Requests:
            def due_for_expiry(self, now: datetime) -> list[AccessRequest]:
                return [r for r in stale if r.end is not None and r.end <= now]

            def __getattr__(self, name: str) -> Any:
                return getattr(real, name)

        return Requests()


def test_a_second_replica_neither_expires_nor_notifies_again(
    uow: InMemoryUnitOfWork, clock: FixedClock
) -> None:
    rid = granted(uow, clock).id
    clock.advance(days=7)
    with uow:
        seen_by_b = uow.requests.due_for_expiry(clock.now())
    assert ids(run(uow, clock).expired) == [rid]  # replica A
    assert run(StaleDue(uow, seen_by_b), clock) == TickReport()  # replica B, racing
    assert actions(uow).count("request.expired") == 1


def approved_only(
    uow: InMemoryUnitOfWork, clock: FixedClock, *, end: datetime | None = NOW + 7 * DAY
) -> AccessRequest:
    """github:write for Alex, approved by Dana and Omar; nothing fulfilled yet."""
    item = RequestItem(entitlement_id="github:write", app_id="github", identity_id="github:alex-m")
    draft = Draft(
        requester=ALEX,
        beneficiary=ALEX,
        items=[item],
        end=end,
        permanent_requested=end is None,
        reason="New project",
    )
    (request,) = submit(uow=uow, directory=directory(uow), draft=draft, actor=ALEX, clock=clock)
    approve(uow=uow, request_id=request.id, approver=DANA, clock=clock)
    return approve(uow=uow, request_id=request.id, approver=OMAR, clock=clock)


def test_a_stalled_approval_is_fulfilled_once_and_only_after_a_grace_period(
    uow: InMemoryUnitOfWork, clock: FixedClock
) -> None:
    request = approved_only(uow, clock)  # then the process died before fulfilment started
    assert request.state is State.APPROVED
    clock.advance(minutes=1)  # its handler may still be about to fulfil it: leave it
    assert run(uow, clock).resumed == []
    clock.advance(minutes=5)
    (resumed,) = run(uow, clock).resumed
    assert resumed.id == request.id and resumed.state is State.FULFILLING  # manual: a task
    assert run(uow, clock).resumed == []  # once, across ticks and replicas
    with uow:
        stored = uow.requests.get(request.id)
    assert stored is not None and stored.state is State.FULFILLING


class DropsOneSave:
    """The database drops the connection on the next save of a request, once."""

    def __init__(self, uow: InMemoryUnitOfWork) -> None:
        self._uow, self.dropped = uow, False

    def __enter__(self) -> DropsOneSave:
        self._uow.__enter__()
        return self

    def __exit__(self, *exc: Any) -> None:
        self._uow.__exit__(*exc)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._uow, name)

    @property
    def requests(self) -> Any:
        real, outer = self._uow.requests, self

        class Requests:
            def save(self, request: AccessRequest) -> None:
                if not outer.dropped:
                    outer.dropped = True
                    raise ConnectionError("server closed the connection unexpectedly")
                real.save(request)

            def __getattr__(self, name: str) -> Any:
                return getattr(real, name)

        return Requests()


def test_a_resume_that_failed_before_its_commit_is_tried_again(
    uow: InMemoryUnitOfWork, clock: FixedClock
) -> None:
    """Its key is written with approved → fulfilling, so a failed attempt leaves it free."""
    request = approved_only(uow, clock)
    clock.advance(minutes=6)
    with pytest.raises(ConnectionError):
        run(DropsOneSave(uow), clock)
    assert state(uow, request.id) is State.APPROVED
    (resumed,) = run(uow, clock).resumed
    assert resumed.id == request.id and resumed.state is State.FULFILLING
    assert run(uow, clock).resumed == []
