"""The outbox worker's batches, on SQLite and PostgreSQL: the calls of a batch are made
at once, a request changed while its call was out does not cost the batch its
answers, and a crash in a batch of concurrent calls still revokes each grant once."""

from __future__ import annotations

import threading
from dataclasses import dataclass, field

import pytest

from domain.connectors import ConnectorRegistry
from domain.model.requests import AccessRequest, ItemStatus, RequestItem, State
from domain.ports import FixedClock, FulfillmentResult, OutboxAction, Outcome
from domain.usecases.expiry import expire_due
from domain.usecases.fulfillment import fulfill
from domain.usecases.outbox import deliver_due
from tests.fakes.counting_connector import CountingConnector, Crash
from tests.integration.conftest import Store
from tests.integration.test_outbox_crash import (
    REVOKE_KEY,
    approved,
    held,
    restart,
    stored,
    trail,
)
from tests.orgs import NOW
from tests.outboxes import drain


def expired(store: Store, clock: FixedClock, n: int) -> list[str]:
    """`n` granted requests for github:write, expired (in batches of 3) and queued."""
    first = approved(store, clock)
    ids = [first.id]
    with store.uow() as uow:
        template = uow.requests.get(first.id)
        assert template is not None
        for k in range(n - 1):
            uow.requests.add(template.model_copy(update={"id": f"AR-B{k}", "version": 0}))
            ids.append(f"AR-B{k}")
        uow.commit()
    for rid in ids:
        fulfill(uow=store.uow(), request_id=rid, clock=clock)
    drain(store.uow(), clock, ConnectorRegistry(by_app={"github": CountingConnector()}))
    clock.advance(days=8)
    assert sorted(r.id for r in expire_due(uow=store.uow(), clock=clock, batch=3)) == sorted(ids)
    assert expire_due(uow=store.uow(), clock=clock, batch=3) == []
    return ids


def removed_once(store: Store, ids: list[str]) -> None:
    for rid in ids:
        done = stored(store, rid)
        assert done.state is State.EXPIRED and done.items[0].status is ItemStatus.REMOVED
        assert trail(store, rid).count("connector.revoke") == 1
        assert trail(store, rid).count("item.removed") == 1


@dataclass
class Together(CountingConnector):
    """Answers only when `parties` calls are under way at the same time."""

    parties: int = 4
    _barrier: threading.Barrier = field(init=False)

    def __post_init__(self) -> None:
        self._barrier = threading.Barrier(self.parties, timeout=5)

    def revoke(self, request: AccessRequest, item: RequestItem, *, key: str) -> FulfillmentResult:
        self._barrier.wait()
        return super().revoke(request, item, key=key)


def test_the_calls_of_a_batch_are_made_at_once(sql_store: Store) -> None:
    clock = FixedClock(NOW)
    ids = expired(sql_store, clock, 8)
    connectors = ConnectorRegistry(by_app={"github": Together(parties=4)})
    done = deliver_due(
        uow=sql_store.uow(), connectors=connectors, clock=clock, limit=8, concurrency=4
    )
    assert [d.result.outcome for d in done] == [Outcome.DONE] * 8
    removed_once(sql_store, ids)


@dataclass
class Meddling(CountingConnector):
    """While the call for `target` is out, another process saves that request."""

    store: Store | None = None
    target: str = ""

    def revoke(self, request: AccessRequest, item: RequestItem, *, key: str) -> FulfillmentResult:
        if request.id == self.target and self.store is not None:
            with self.store.uow() as uow:
                found = uow.requests.get(request.id)
                assert found is not None
                uow.requests.save(found)
                uow.commit()
        return super().revoke(request, item, key=key)


def test_a_request_changed_during_the_calls_costs_the_batch_nothing(sql_store: Store) -> None:
    clock = FixedClock(NOW)
    ids = expired(sql_store, clock, 5)
    meddling = Meddling(store=sql_store, target=ids[2])
    connectors = ConnectorRegistry(by_app={"github": meddling})
    done = deliver_due(uow=sql_store.uow(), connectors=connectors, clock=clock, limit=10)
    assert sorted(d.request.id for d in done) == sorted(ids)
    removed_once(sql_store, ids)
    assert set(meddling.calls.values()) == {1}


@pytest.mark.parametrize("concurrency", [1, 4])
def test_a_crash_in_a_batch_of_calls_revokes_each_grant_once(
    sql_store: Store, concurrency: int
) -> None:
    clock = FixedClock(NOW)
    ids = expired(sql_store, clock, 6)
    counting = CountingConnector(crash_after_call=1)
    connectors = ConnectorRegistry(by_app={"github": counting})
    with pytest.raises(Crash):
        deliver_due(
            uow=sql_store.uow(),
            connectors=connectors,
            clock=clock,
            limit=10,
            concurrency=concurrency,
        )
    assert all(stored(sql_store, rid).items[0].status is ItemStatus.DONE for rid in ids)
    restart(sql_store, clock, connectors)
    restart(sql_store, clock, connectors)
    assert counting.applied == {REVOKE_KEY.format(rid): 1 for rid in ids}
    removed_once(sql_store, ids)


def test_a_grant_after_a_removal_of_the_same_access_in_one_batch_stays(
    sql_store: Store,
) -> None:
    clock = FixedClock(NOW)
    first = approved(sql_store, clock)
    with sql_store.uow() as uow:  # the same access asked again, approved meanwhile
        template = uow.requests.get(first.id)
        assert template is not None
        uow.requests.add(template.model_copy(update={"id": "AR-AGAIN", "version": 0}))
        uow.commit()
    connectors = ConnectorRegistry(by_app={"github": CountingConnector()})
    fulfill(uow=sql_store.uow(), request_id=first.id, clock=clock)
    drain(sql_store.uow(), clock, connectors)
    clock.advance(days=8)
    expire_due(uow=sql_store.uow(), clock=clock)  # queues the revoke first
    fulfill(uow=sql_store.uow(), request_id="AR-AGAIN", clock=clock)  # then the grant
    done = deliver_due(uow=sql_store.uow(), connectors=connectors, clock=clock, limit=10)
    assert [d.delivery.action for d in done] == [OutboxAction.REVOKE, OutboxAction.GRANT]
    assert "github:write" in held(sql_store)
    assert stored(sql_store, "AR-AGAIN").state is State.FULFILLED
