"""Kill the worker at each point of a delivery — between claim and call, between call
and commit, inside the commit — and restart it: each approved item is granted exactly
once and each expired one revoked exactly once, on SQLite and PostgreSQL. Two workers
on PostgreSQL never call the connector twice for one row."""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest

from domain.connectors import ConnectorRegistry
from domain.model.directory import Directory
from domain.model.requests import AccessRequest, ItemStatus, RequestItem, State
from domain.ports import FixedClock, UnitOfWork
from domain.store.orgsync import import_org
from domain.usecases.decisions import approve
from domain.usecases.expiry import expire_due
from domain.usecases.fulfillment import fulfill
from domain.usecases.outbox import LEASE, Call, deliver_due
from domain.usecases.submission import Draft, submit
from tests.fakes.counting_connector import CountingConnector, Crash
from tests.integration.conftest import Store
from tests.orgs import NOW, small_org
from tests.outboxes import drain

ALEX, DANA, OMAR = "alex@t.test", "dana@t.test", "omar@t.test"
GRANT_KEY = "{}:github:write:grant"
REVOKE_KEY = "{}:github:write:revoke"


def approved(store: Store, clock: FixedClock) -> AccessRequest:
    import_org(store.uow(), small_org(), actor="system", clock=clock)
    with store.uow() as uow:
        data = uow.org.load()
    assert data is not None
    item = RequestItem(entitlement_id="github:write", app_id="github", identity_id="github:alex-m")
    draft = Draft(
        requester=ALEX, beneficiary=ALEX, items=[item], end=NOW + timedelta(days=7), reason="Other"
    )
    (request,) = submit(
        uow=store.uow(), directory=Directory(data), draft=draft, actor=ALEX, clock=clock
    )
    for approver in (DANA, OMAR):
        request = approve(uow=store.uow(), request_id=request.id, approver=approver, clock=clock)
    return request


def crash_before_call(call: Call) -> Any:
    raise Crash


def crash_after_call(call: Call) -> Any:
    call()
    raise Crash


class CrashOnSettle:
    """The unit of work dies inside the transaction that records the answer."""

    def __init__(self, uow: UnitOfWork) -> None:
        self._uow = uow

    def __enter__(self) -> CrashOnSettle:
        self._uow.__enter__()
        return self

    def __exit__(self, *exc: Any) -> None:
        self._uow.__exit__(*exc)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._uow, name)

    @property
    def outbox(self) -> Any:
        real = self._uow.outbox

        class Outbox:
            def settle(self, *args: Any, **kwargs: Any) -> bool:
                real.settle(*args, **kwargs)
                raise Crash

            def __getattr__(self, name: str) -> Any:
                return getattr(real, name)

        return Outbox()


CRASHES: dict[str, Callable[[Store], tuple[Any, Any]]] = {
    "between claim and call": lambda s: (s.uow(), crash_before_call),
    "between call and commit": lambda s: (s.uow(), crash_after_call),
    "inside the commit": lambda s: (CrashOnSettle(s.uow()), lambda call: call()),
}


def crash_once(store: Store, clock: FixedClock, connectors: ConnectorRegistry, point: str) -> None:
    uow, caller = CRASHES[point](store)
    with pytest.raises(Crash):
        deliver_due(uow=uow, connectors=connectors, clock=clock, caller=caller)


def restart(store: Store, clock: FixedClock, connectors: ConnectorRegistry) -> None:
    """A new worker after the dead one's lease ran out."""
    clock.advance(seconds=LEASE.total_seconds() + 1)
    drain(store.uow(), clock, connectors)


def trail(store: Store, request_id: str) -> list[str]:
    with store.uow() as uow:
        return [e.action for e in uow.audit.for_request(request_id)]


def stored(store: Store, request_id: str) -> AccessRequest:
    with store.uow() as uow:
        found = uow.requests.get(request_id)
    assert found is not None
    return found


def held(store: Store) -> dict[str, object]:
    with store.uow() as uow:
        data = uow.org.load()
    assert data is not None
    ident = next(i for i in data.identities if i.id == "github:alex-m")
    return {g.entitlement: g.expires for g in ident.grants}


@pytest.mark.parametrize("point", list(CRASHES))
def test_a_grant_is_made_once_whatever_the_crash(sql_store: Store, point: str) -> None:
    clock = FixedClock(NOW)
    request = approved(sql_store, clock)
    counting = CountingConnector()
    connectors = ConnectorRegistry(by_app={"github": counting})
    fulfill(uow=sql_store.uow(), request_id=request.id, clock=clock)
    crash_once(sql_store, clock, connectors, point)
    assert stored(sql_store, request.id).state is State.FULFILLING
    restart(sql_store, clock, connectors)
    restart(sql_store, clock, connectors)  # and nothing more happens after that
    key = GRANT_KEY.format(request.id)
    assert counting.applied == {key: 1}
    assert counting.calls[key] == (1 if point == "between claim and call" else 2)
    done = stored(sql_store, request.id)
    assert done.state is State.FULFILLED and done.items[0].status is ItemStatus.DONE
    assert trail(sql_store, request.id).count("item.done") == 1
    assert trail(sql_store, request.id).count("connector.grant") == 1
    assert held(sql_store)["github:write"] == done.end  # the clock started at provisioning
    assert done.fulfilled_at is not None and done.fulfilled_at > NOW + LEASE
    assert done.end == done.fulfilled_at + timedelta(days=7)


@pytest.mark.parametrize("point", list(CRASHES))
def test_an_expired_grant_is_revoked_once_whatever_the_crash(sql_store: Store, point: str) -> None:
    clock = FixedClock(NOW)
    request = approved(sql_store, clock)
    counting = CountingConnector()
    connectors = ConnectorRegistry(by_app={"github": counting})
    fulfill(uow=sql_store.uow(), request_id=request.id, clock=clock)
    drain(sql_store.uow(), clock, connectors)
    clock.advance(days=8)
    assert [r.id for r in expire_due(uow=sql_store.uow(), clock=clock)] == [request.id]
    assert expire_due(uow=sql_store.uow(), clock=clock) == []
    crash_once(sql_store, clock, connectors, point)
    assert "github:write" in held(sql_store)
    restart(sql_store, clock, connectors)
    restart(sql_store, clock, connectors)
    key = REVOKE_KEY.format(request.id)
    assert counting.applied[key] == 1
    assert "github:write" not in held(sql_store)
    done = stored(sql_store, request.id)
    assert done.state is State.EXPIRED and done.items[0].status is ItemStatus.REMOVED
    assert trail(sql_store, request.id).count("item.removed") == 1


def test_two_workers_never_grant_twice(pg_store: Store) -> None:
    clock = FixedClock(NOW)
    first = approved(pg_store, clock)
    ids = [first.id]
    with pg_store.uow() as uow:  # 39 more approved requests, as copies of the first
        template = uow.requests.get(first.id)
        assert template is not None
        for n in range(39):
            uow.requests.add(template.model_copy(update={"id": f"AR-X{n}", "version": 0}))
            ids.append(f"AR-X{n}")
        uow.commit()
    for rid in ids:
        fulfill(uow=pg_store.uow(), request_id=rid, clock=clock)
    counting = CountingConnector()
    connectors = ConnectorRegistry(by_app={"github": counting})
    start = threading.Barrier(2)

    def worker() -> None:
        start.wait()
        while deliver_due(uow=pg_store.uow(), connectors=connectors, clock=clock, limit=3):
            pass

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert set(counting.calls) == {GRANT_KEY.format(rid) for rid in ids}
    assert set(counting.calls.values()) == {1}  # no row was called by both workers
    assert all(stored(pg_store, rid).state is State.FULFILLED for rid in ids)
