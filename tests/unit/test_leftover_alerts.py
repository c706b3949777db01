"""Terminated people who still hold access: alerted once per cause, and the revoke
request the alert's button opens, through the domain's use cases."""

from __future__ import annotations

import pytest

from domain.errors import DomainError, NotAllowed
from domain.model.directory import Directory
from domain.model.org import HeldGrant, OrgData
from domain.model.requests import RequestKind, State
from domain.ports import FixedClock
from domain.store.memory import InMemoryUnitOfWork
from domain.usecases.alerts import leftover_alerts, revoke_leftovers
from tests.orgs import NOW, small_org

TOM = "tom@t.test"  # terminated; github:tom-b holds github:write and github:admin


def env() -> tuple[InMemoryUnitOfWork, Directory, FixedClock]:
    org = small_org()
    return InMemoryUnitOfWork(org), Directory(org), FixedClock(NOW)


def alerts(uow: InMemoryUnitOfWork, d: Directory, clock: FixedClock) -> list[tuple[str, ...]]:
    return [
        tuple(f"{i} {e}" for i, _, e in a.held)
        for a in leftover_alerts(uow=uow, directory=d, clock=clock)
    ]


def test_a_terminated_person_holding_access_is_alerted_once_per_cause() -> None:
    uow, d, clock = env()
    assert alerts(uow, d, clock) == [("github:tom-b github:admin", "github:tom-b github:write")]
    assert alerts(uow, d, clock) == []  # the next tick, or another process
    assert alerts(uow, Directory(small_org()), clock) == []  # an import changing nothing
    more: OrgData = small_org()
    tom = next(i for i in more.identities if i.person == TOM)
    tom.grants.append(HeldGrant(entitlement="github:read"))
    assert len(alerts(uow, Directory(more), clock)) == 1  # new leftovers: a new cause
    events = [e for e in uow.committed_audit if e.action == "alert.leftover_access"]
    assert [e.data["person"] for e in events] == [TOM, TOM]


def test_an_admin_opens_a_revoke_request_and_the_alert_stays_quiet() -> None:
    uow, d, clock = env()
    made = revoke_leftovers(uow=uow, directory=d, person_id=TOM, actor="ines@t.test", clock=clock)
    assert {(r.kind, r.state, r.requester, r.beneficiary) for r in made} == {
        (RequestKind.REVOKE, State.SUBMITTED, "ines@t.test", TOM)
    }  # one request per approval route: the privileged admin grant has its own
    assert {i.entitlement_id for r in made for i in r.items} == {"github:write", "github:admin"}
    assert alerts(uow, d, clock) == []  # the open request covers it
    with pytest.raises(DomainError) as again:
        revoke_leftovers(uow=uow, directory=d, person_id=TOM, actor="dana@t.test", clock=clock)
    assert again.value.code == "nothing_to_revoke"


@pytest.mark.parametrize("actor", ["dana@t.test", "omar@t.test"])  # last manager, owner
def test_the_last_manager_or_the_owner_may_open_it(actor: str) -> None:
    uow, d, clock = env()
    made = revoke_leftovers(uow=uow, directory=d, person_id=TOM, actor=actor, clock=clock)
    assert {r.requester for r in made} == {actor}


def test_anyone_else_is_refused() -> None:
    uow, d, clock = env()
    with pytest.raises(NotAllowed):
        revoke_leftovers(uow=uow, directory=d, person_id=TOM, actor="alex@t.test", clock=clock)
