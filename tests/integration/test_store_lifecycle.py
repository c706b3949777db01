"""A request's whole life through each store: submit, approve twice, fulfill by hand,
expire on time, with the grant appearing in and leaving the stored org."""

from __future__ import annotations

from datetime import timedelta

from domain.connectors import ConnectorRegistry
from domain.model.directory import Directory
from domain.model.requests import ItemStatus, RequestItem, State
from domain.ports import FixedClock, UnitOfWork
from domain.store.orgsync import import_org
from domain.usecases.decisions import approve
from domain.usecases.fulfillment import complete_task
from domain.usecases.submission import Draft, submit
from tests.integration.conftest import Store
from tests.orgs import NOW, small_org
from tests.outboxes import expire_now, fulfil_now

ALEX, DANA, OMAR = "alex@t.test", "dana@t.test", "omar@t.test"


def directory(uow: UnitOfWork) -> Directory:
    with uow:
        data = uow.org.load()
    assert data is not None
    return Directory(data)


def held(uow: UnitOfWork, identity_id: str) -> dict[str, object]:
    ident = directory(uow).identities[identity_id]
    return {g.entitlement: g.expires for g in ident.grants}


def test_submit_approve_fulfill_expire(store: Store) -> None:
    clock, connectors = FixedClock(NOW), ConnectorRegistry()
    import_org(store.uow(), small_org(), actor="system", clock=clock)
    draft = Draft(
        requester=ALEX,
        beneficiary=ALEX,
        items=[
            RequestItem(entitlement_id="github:write", app_id="github", identity_id="github:alex-m")
        ],
        end=NOW + timedelta(days=7),
        reason="New project",
    )
    [request] = submit(
        uow=store.uow(),
        directory=directory(store.uow()),
        draft=draft,
        actor=ALEX,
        clock=clock,
        idempotency_key="card-1",
    )
    assert [s.approvers for s in request.steps] == [[DANA], [OMAR]]
    with store.uow() as uow:
        assert [r.id for r in uow.requests.awaiting(DANA)] == [request.id]

    clock.advance(minutes=5)
    approve(uow=store.uow(), request_id=request.id, approver=DANA, clock=clock)
    with store.uow() as uow:
        assert uow.requests.awaiting(DANA) == []
        assert [r.id for r in uow.requests.awaiting(OMAR)] == [request.id]
    done = approve(uow=store.uow(), request_id=request.id, approver=OMAR, clock=clock)
    assert done.state is State.APPROVED

    started = fulfil_now(store.uow(), request.id, clock, connectors)
    assert started.state is State.FULFILLING
    assert started.items[0].status is ItemStatus.FULFILLING
    assert "github:write" not in held(store.uow(), "github:alex-m")

    clock.advance(hours=1)
    finished = complete_task(
        uow=store.uow(),
        directory=directory(store.uow()),
        request_id=request.id,
        actor=OMAR,
        clock=clock,
        success=True,
        note="added to the team",
    )
    assert finished.state is State.FULFILLED
    # the access clock starts when the grant is provisioned, not when it was asked for
    assert held(store.uow(), "github:alex-m")["github:write"] == clock.now() + timedelta(days=7)

    clock.advance(days=6)
    assert expire_now(store.uow(), clock, connectors) == []
    clock.advance(days=1)
    [expired] = expire_now(store.uow(), clock, connectors)
    assert expired.state is State.EXPIRED and expired.closed_at == clock.now()
    assert "github:write" not in held(store.uow(), "github:alex-m")
    assert expire_now(store.uow(), clock, connectors) == []

    with store.uow() as uow:
        stored = uow.requests.get(request.id)
        trail = uow.audit.for_request(request.id)
        everything = uow.audit.since()
    assert stored is not None and stored.state is State.EXPIRED
    assert stored.items[0].status is ItemStatus.REMOVED
    assert [e.action for e in trail] == [
        "request.submitted",
        "step.approved",
        "step.approved",
        "request.approved",
        "request.fulfilling",
        "connector.grant",
        "item.done",
        "request.fulfilled",
        "request.expired",
        "connector.revoke",
        "item.removed",
    ]
    system = "system"
    assert [e.actor for e in trail] == [ALEX, DANA, OMAR, OMAR, system, system, OMAR, system] + [
        system
    ] * 3
    assert [e.at for e in trail] == sorted(e.at for e in trail)
    assert everything[0].action == "org.imported"
