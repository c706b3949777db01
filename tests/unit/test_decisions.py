"""Deciding a step, on the in-memory unit of work: the rules the domain re-checks at the
click itself, whatever the stored step says, and the click's idempotency key."""

from __future__ import annotations

from datetime import timedelta

import pytest

from domain.errors import DomainError, Duplicate, NotAllowed
from domain.model.directory import Directory
from domain.model.requests import AccessRequest, RequestItem, State, StepStatus
from domain.ports import FixedClock
from domain.store.memory import InMemoryUnitOfWork
from domain.usecases.decisions import Changes, approve, eligible, reject
from domain.usecases.submission import Draft, submit
from tests.orgs import NOW, small_org

ALEX, DANA = "alex@t.test", "dana@t.test"


@pytest.fixture
def uow() -> InMemoryUnitOfWork:
    return InMemoryUnitOfWork(small_org())


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(NOW)


def submitted(uow: InMemoryUnitOfWork, clock: FixedClock, **draft: object) -> AccessRequest:
    """github:write for Alex (step 1: Dana, his manager; step 2: Omar, the owner)."""
    with uow:
        org = uow.org.load()
    assert org is not None
    item = RequestItem(entitlement_id="github:write", app_id="github", identity_id="github:alex-m")
    fields: dict[str, object] = {"requester": ALEX, "beneficiary": ALEX, "items": [item]}
    fields |= {"reason": "New project", "end": NOW + timedelta(days=7), **draft}
    (made,) = submit(
        uow=uow,
        directory=Directory(org),
        draft=Draft.model_validate(fields),
        actor=str(fields["requester"]),
        clock=clock,
    )
    return made


def listed_as_approver(uow: InMemoryUnitOfWork, request: AccessRequest, *people: str) -> None:
    """The stored first step names `people` too (an older route, a group the requester
    joined, a hand-edited row): the route's exclusion is not what protects the click."""
    with uow:
        stored = uow.requests.get(request.id)
        assert stored is not None
        stored.steps[0].approvers.extend(people)
        uow.requests.save(stored)
        uow.commit()


def refusals(uow: InMemoryUnitOfWork) -> list[str]:
    return [e.actor for e in uow.committed_audit if e.action == "decision.refused"]


def test_the_requester_cannot_approve_their_own_request_even_when_listed(
    uow: InMemoryUnitOfWork, clock: FixedClock
) -> None:
    request = submitted(uow, clock)
    listed_as_approver(uow, request, ALEX)
    stored = uow.requests.get(request.id)
    assert stored is not None and ALEX in stored.steps[0].approvers
    assert not eligible(stored, ALEX)
    with pytest.raises(NotAllowed):
        approve(uow=uow, request_id=request.id, approver=ALEX, clock=clock)
    with pytest.raises(NotAllowed):
        reject(uow=uow, request_id=request.id, approver=ALEX, clock=clock)
    assert refusals(uow) == [ALEX, ALEX]
    decided = approve(uow=uow, request_id=request.id, approver=DANA, clock=clock)
    assert decided.steps[0].status is StepStatus.APPROVED
    assert decided.steps[0].decided_by == DANA


def test_the_beneficiary_cannot_approve_access_asked_for_them(
    uow: InMemoryUnitOfWork, clock: FixedClock
) -> None:
    """Dana asks for her report Alex; Alex, listed on the step, still may not decide."""
    request = submitted(uow, clock, requester=DANA, beneficiary=ALEX)
    listed_as_approver(uow, request, ALEX)
    with pytest.raises(NotAllowed):
        approve(uow=uow, request_id=request.id, approver=ALEX, clock=clock)
    stored = uow.requests.get(request.id)
    assert stored is not None and stored.steps[0].status is StepStatus.PENDING
    assert refusals(uow) == [ALEX]


def test_a_decision_key_is_used_once_and_only_by_a_decision(
    uow: InMemoryUnitOfWork, clock: FixedClock
) -> None:
    request = submitted(uow, clock)
    click = f"decision:{request.id}:v{request.version}:{DANA}"
    later = Changes(end=NOW + timedelta(days=30))
    with pytest.raises(DomainError, match="not extend"):  # refused: the key stays free
        approve(
            uow=uow,
            request_id=request.id,
            approver=DANA,
            clock=clock,
            changes=later,
            idempotency_key=click,
        )
    shorter = Changes(end=NOW + timedelta(days=2))
    approve(
        uow=uow,
        request_id=request.id,
        approver=DANA,
        clock=clock,
        changes=shorter,
        idempotency_key=click,
    )
    with pytest.raises(Duplicate):  # the same click again, e.g. a second replica
        approve(uow=uow, request_id=request.id, approver=DANA, clock=clock, idempotency_key=click)
    stored = uow.requests.get(request.id)
    assert stored is not None and stored.state is State.SUBMITTED
    assert [e.action for e in uow.committed_audit].count("step.approved") == 1
