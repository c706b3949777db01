"""Four eyes and same-approver runs, through the domain's public functions: the route
(`approval_route`), submission and the approver's click (`approve`)."""

from __future__ import annotations

from datetime import timedelta

import pytest

from domain.errors import NotAllowed
from domain.model.directory import Directory
from domain.model.foureyes import may_decide
from domain.model.policy import NoApprover, approval_route
from domain.model.requests import AccessRequest, RequestItem, State, StepStatus
from domain.orgdata.orgfile import parse_org
from domain.ports import FixedClock
from domain.store.memory import InMemoryUnitOfWork
from domain.usecases.decisions import approve, reject
from domain.usecases.submission import Draft, submit
from tests.orgs import NOW

ORG = """
org: {name: Four Co, timezone: Europe/Berlin, reasons: [Other], four_eyes: FOUR_EYES}
people:
  - {id: victor@t.test, name: Victor Hale}
  - {id: nadia@t.test, name: Nadia Petrov, manager: victor@t.test}
  - {id: alex@t.test, name: Alex Meyer, manager: nadia@t.test}
  - {id: sam@t.test, name: Sam Ortiz, manager: victor@t.test}
  - {id: omar@t.test, name: Omar Haddad, manager: victor@t.test}
groups:
  security: [nadia@t.test]
  ops: [sam@t.test, omar@t.test]
applications:
  - id: vault
    name: Vault
    owners: [nadia@t.test]
    approval: [manager, app_owner]
    entitlements:
      - {id: vault:admin, name: Admin, privileged: true,
         approval: [manager, app_owner, group:security]}
      - {id: vault:read, name: Read}
      - {id: vault:ops, name: Ops, privileged: true, approval: [group:ops]}
  - id: db
    name: Database
    owners: [nadia@t.test, omar@t.test]
    approval: [app_owner, manager]
    entitlements:
      - {id: db:root, name: Root, privileged: true}
  - id: aws
    name: AWS
    owners: [sam@t.test]
    entitlements:
      - {id: aws:power, name: Power user, privileged: true}
identities:
  - {app: vault, username: alex, person: alex@t.test}
  - {app: db, username: alex, person: alex@t.test}
  - {app: aws, username: alex, person: alex@t.test}
  - {app: aws, username: nadia, person: nadia@t.test}
"""

ALEX, NADIA, VICTOR = "alex@t.test", "nadia@t.test", "victor@t.test"
SAM, OMAR = "sam@t.test", "omar@t.test"


def directory(four_eyes: str = "privileged") -> Directory:
    return Directory(parse_org(ORG.replace("FOUR_EYES", four_eyes)))


def route(ent: str, who: str = ALEX, four_eyes: str = "privileged") -> list[tuple[str, ...]]:
    steps = approval_route(directory(four_eyes), ent, requester_id=who, beneficiary_id=who)
    return [s.approvers for s in steps]


def test_a_route_collapsed_onto_one_person_gets_their_manager_added() -> None:
    assert route("vault:admin") == [(NADIA,), (NADIA,), (NADIA,), (VICTOR,)]
    assert route("aws:power") == [(NADIA,), (VICTOR,)]


def test_a_lone_step_with_several_approvers_needs_two_of_them() -> None:
    assert route("vault:ops") == [(SAM, OMAR), (SAM, OMAR)]


def test_nothing_is_added_when_two_people_can_already_decide_or_four_eyes_is_off() -> None:
    assert route("db:root") == [(NADIA, OMAR), (NADIA,)]
    assert route("vault:read") == [(NADIA,), (NADIA,)]
    assert route("vault:admin", four_eyes="off") == [(NADIA,), (NADIA,), (NADIA,)]
    assert route("vault:read", four_eyes="all") == [(NADIA,), (NADIA,), (VICTOR,)]


def test_no_second_approver_is_refused_not_approved_by_one() -> None:
    with pytest.raises(NoApprover, match="second approver"):
        route("aws:power", who=NADIA)  # Victor approves alone, and has no manager


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(NOW)


def submitted(
    clock: FixedClock, ent: str, four_eyes: str = "privileged"
) -> tuple[InMemoryUnitOfWork, AccessRequest]:
    d = directory(four_eyes)
    uow = InMemoryUnitOfWork(d.data)
    app = ent.split(":", maxsplit=1)[0]
    item = RequestItem(entitlement_id=ent, app_id=app, identity_id=f"{app}:alex")
    draft = Draft(
        requester=ALEX, beneficiary=ALEX, items=[item], reason="Other", end=NOW + timedelta(days=3)
    )
    (made,) = submit(uow=uow, directory=d, draft=draft, actor=ALEX, clock=clock)
    return uow, made


def statuses(request: AccessRequest) -> list[tuple[StepStatus, str | None]]:
    return [(s.status, s.decided_by) for s in request.steps]


def test_one_click_decides_the_run_and_the_added_manager_decides_last(clock: FixedClock) -> None:
    uow, made = submitted(clock, "vault:admin")
    assert made.four_eyes
    after = approve(uow=uow, request_id=made.id, approver=NADIA, clock=clock)
    approved = StepStatus.APPROVED
    assert statuses(after)[:3] == [(approved, NADIA)] * 3
    assert after.state is State.SUBMITTED and after.current_step == after.steps[3]
    done = approve(uow=uow, request_id=made.id, approver=VICTOR, clock=clock)
    assert done.state is State.APPROVED
    steps = [e.data["step"] for e in uow.committed_audit if e.action == "step.approved"]
    assert steps == [0, 1, 2, 3]  # every step decided is audited


def test_without_four_eyes_one_click_approves_a_whole_same_person_route(
    clock: FixedClock,
) -> None:
    uow, made = submitted(clock, "vault:read")
    assert not made.four_eyes
    done = approve(uow=uow, request_id=made.id, approver=NADIA, clock=clock)
    assert done.state is State.APPROVED
    assert statuses(done) == [(StepStatus.APPROVED, NADIA)] * 2


def test_four_eyes_stops_one_of_a_group_deciding_both_decisions(clock: FixedClock) -> None:
    uow, made = submitted(clock, "vault:ops")
    after = approve(uow=uow, request_id=made.id, approver=SAM, clock=clock)
    assert statuses(after) == [(StepStatus.APPROVED, SAM), (StepStatus.PENDING, None)]
    assert not may_decide(after, SAM) and may_decide(after, OMAR)
    with pytest.raises(NotAllowed) as refused:
        approve(uow=uow, request_id=made.id, approver=SAM, clock=clock)
    assert refused.value.code == "four_eyes"
    audit = [e for e in uow.committed_audit if e.action == "decision.refused"]
    assert [(e.actor, e.data.get("reason")) for e in audit] == [(SAM, "four_eyes")]
    done = approve(uow=uow, request_id=made.id, approver=OMAR, clock=clock)
    assert done.state is State.APPROVED


def test_a_person_may_not_take_a_step_that_would_leave_only_themselves(
    clock: FixedClock,
) -> None:
    """db:root: owners Nadia or Omar, then Nadia as manager. If Nadia took the first
    step, only she could take the second: she must leave the first to Omar."""
    uow, made = submitted(clock, "db:root")
    with pytest.raises(NotAllowed, match="four eyes"):
        approve(uow=uow, request_id=made.id, approver=NADIA, clock=clock)
    approve(uow=uow, request_id=made.id, approver=OMAR, clock=clock)
    done = approve(uow=uow, request_id=made.id, approver=NADIA, clock=clock)
    assert done.state is State.APPROVED
    assert {s.decided_by for s in done.steps} == {NADIA, OMAR}


def test_rejecting_is_never_held_back_by_four_eyes(clock: FixedClock) -> None:
    uow, made = submitted(clock, "db:root")
    done = reject(uow=uow, request_id=made.id, approver=NADIA, clock=clock)
    assert done.state is State.REJECTED
