"""The request lifecycle through its use cases, on the in-memory unit of work."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from itertools import count
from typing import Any

import pytest

from domain.connectors import ConnectorRegistry
from domain.errors import DomainError, InvalidTransition, NotAllowed
from domain.model.directory import Directory
from domain.model.org import FourEyes
from domain.model.requests import AccessRequest, ItemStatus, RequestItem, State, StepStatus
from domain.ports import FixedClock
from domain.store.memory import InMemoryUnitOfWork
from domain.usecases.decisions import Changes, approve, reject
from domain.usecases.expiry import revoke
from domain.usecases.fulfillment import complete_task
from domain.usecases.submission import Draft, cancel, submit
from tests.orgs import NOW, small_org
from tests.outboxes import expire_now, fulfil_now

ALEX, DANA, OMAR, SAM, PRIYA, INES = (
    "alex@t.test",
    "dana@t.test",
    "omar@t.test",
    "sam@t.test",
    "priya@t.test",
    "ines@t.test",
)


@pytest.fixture
def env() -> tuple[InMemoryUnitOfWork, FixedClock]:
    return InMemoryUnitOfWork(small_org()), FixedClock(NOW)


def directory(uow: InMemoryUnitOfWork) -> Directory:
    with uow:
        data = uow.org.load()
    assert data is not None
    return Directory(data)


def draft(*ents: str, end_days: int | None = 7, **kw: object) -> Draft:
    identity = str(kw.pop("identity", "github:alex-m"))
    items = [
        RequestItem(entitlement_id=e, app_id=e.split(":")[0], identity_id=identity) for e in ents
    ]
    end = NOW + timedelta(days=end_days) if end_days else None
    return Draft.model_validate(
        {
            "requester": ALEX,
            "beneficiary": ALEX,
            "items": items,
            "end": end,
            "reason": "New project",
            **kw,
        }
    )


def _ids() -> Callable[[], str]:
    n = count(1)
    return lambda: f"AR-{next(n)}"


def submit_one(
    uow: InMemoryUnitOfWork, clock: FixedClock, d: Draft | None = None, **kw: Any
) -> AccessRequest:
    made = submit(
        uow=uow,
        directory=directory(uow),
        draft=d or draft("github:write"),
        actor=ALEX,
        clock=clock,
        new_id=_ids(),
        **kw,
    )
    assert len(made) == 1
    return made[0]


def actions(uow: InMemoryUnitOfWork) -> list[str]:
    return [e.action for e in uow.committed_audit]


def test_submit_records_route_and_audit(env: tuple[InMemoryUnitOfWork, FixedClock]) -> None:
    uow, clock = env
    request = submit_one(uow, clock)
    assert request.state is State.SUBMITTED
    assert [s.approvers for s in request.steps] == [[DANA], [OMAR]]
    assert actions(uow) == ["request.submitted"]


def test_the_justification_as_typed_is_in_the_audit_trail(
    env: tuple[InMemoryUnitOfWork, FixedClock],
) -> None:
    uow, clock = env
    submit_one(uow, clock, draft("github:write", comment="for the payments migration"))
    event = uow.committed_audit[-1]
    assert event.data["justification"] == "for the payments migration"
    assert event.data["reason"] == draft("github:write").reason


def test_only_the_requester_submits(env: tuple[InMemoryUnitOfWork, FixedClock]) -> None:
    uow, clock = env
    with pytest.raises(NotAllowed):
        submit(
            uow=uow, directory=directory(uow), draft=draft("github:write"), actor=DANA, clock=clock
        )
    assert actions(uow) == []


def test_double_submit_with_same_key_makes_one_request(
    env: tuple[InMemoryUnitOfWork, FixedClock],
) -> None:
    uow, clock = env
    first = submit_one(uow, clock, idempotency_key="card-1")
    again = submit_one(uow, clock, idempotency_key="card-1")
    assert again.id == first.id
    assert actions(uow) == ["request.submitted"]


def test_items_with_different_routes_become_separate_requests(
    env: tuple[InMemoryUnitOfWork, FixedClock],
) -> None:
    uow, clock = env
    d = draft("github:write", "aws-prod:read-only", identity="new")
    made = submit(uow=uow, directory=directory(uow), draft=d, actor=ALEX, clock=clock)
    assert sorted(len(r.steps) for r in made) == [1, 2]


@pytest.mark.parametrize(
    ("d", "code"),
    [
        (draft("github:read"), "already_held"),
        (draft("okta:admin", identity="new"), "not_requestable"),
        (draft("hooks:user", identity="new"), "no_account"),
        (draft("github:write", identity="github:priya-r"), "bad_identity"),
        (draft("github:write", reason="Because"), "bad_reason"),
        (draft("github:write", end_days=-1), "end_in_past"),
        (draft("github:write", beneficiary=PRIYA), "not_your_report"),
        # caps (AWS Production P14D, GitHub Admin P30D, the org P180D for temporary access)
        (draft("aws-prod:read-only", identity="new", end_days=365), "over_cap"),
        (draft("aws-prod:read-only", identity="new", end_days=None), "over_cap"),
        (draft("github:admin", end_days=31), "over_cap"),
        (draft("github:write", "github:admin", end_days=None), "over_cap"),
        (draft("github:write", end_days=181), "over_cap"),
    ],
)
def test_submission_rechecks_the_draft(
    env: tuple[InMemoryUnitOfWork, FixedClock], d: Draft, code: str
) -> None:
    uow, clock = env
    with pytest.raises(DomainError) as err:
        submit(uow=uow, directory=directory(uow), draft=d, actor=ALEX, clock=clock)
    assert err.value.code == code
    assert actions(uow) == []


def test_a_draft_within_every_cap_is_submitted(
    env: tuple[InMemoryUnitOfWork, FixedClock],
) -> None:
    uow, clock = env
    for d in (
        draft("aws-prod:read-only", identity="new", end_days=14),
        draft("github:admin", end_days=29),  # 30 local days end an hour early: DST on 29 March
        draft("github:write", end_days=None),  # the org's cap is on temporary access only
    ):
        made = submit(uow=uow, directory=directory(uow), draft=d, actor=ALEX, clock=clock)
        assert made and all(r.state is State.SUBMITTED for r in made)
        for r in made:  # so the next draft is not "already pending"
            cancel(uow=uow, request_id=r.id, actor=ALEX, clock=clock)


def test_already_pending_is_refused(env: tuple[InMemoryUnitOfWork, FixedClock]) -> None:
    uow, clock = env
    submit_one(uow, clock)
    with pytest.raises(DomainError) as err:
        submit_one(uow, clock, idempotency_key="another-card")
    assert err.value.code == "already_pending"


def test_steps_run_in_order_and_only_eligible_approvers_decide(
    env: tuple[InMemoryUnitOfWork, FixedClock],
) -> None:
    uow, clock = env
    rid = submit_one(uow, clock).id
    with pytest.raises(NotAllowed):  # the owner is step 2, not step 1
        approve(uow=uow, request_id=rid, approver=OMAR, clock=clock)
    with pytest.raises(NotAllowed):  # the requester never approves
        approve(uow=uow, request_id=rid, approver=ALEX, clock=clock)
    step1 = approve(uow=uow, request_id=rid, approver=DANA, clock=clock)
    assert step1.state is State.SUBMITTED and step1.steps[0].status is StepStatus.APPROVED
    done = approve(uow=uow, request_id=rid, approver=OMAR, clock=clock, comment="ok")
    assert done.state is State.APPROVED
    assert actions(uow) == [
        "request.submitted",
        "decision.refused",
        "decision.refused",
        "step.approved",
        "step.approved",
        "request.approved",
    ]


def test_a_second_decision_on_a_decided_step_changes_nothing(
    env: tuple[InMemoryUnitOfWork, FixedClock],
) -> None:
    uow, clock = env
    rid = submit_one(uow, clock, d=draft("aws-prod:read-only", identity="new")).id
    approve(uow=uow, request_id=rid, approver=DANA, clock=clock)
    with pytest.raises(InvalidTransition, match="already approved by dana"):
        reject(uow=uow, request_id=rid, approver=DANA, clock=clock)
    assert actions(uow).count("step.approved") == 1


def test_reject_ends_the_request(env: tuple[InMemoryUnitOfWork, FixedClock]) -> None:
    uow, clock = env
    rid = submit_one(uow, clock).id
    request = reject(uow=uow, request_id=rid, approver=DANA, clock=clock, comment="not now")
    assert request.state is State.REJECTED and request.steps[0].comment == "not now"
    assert request.closed_at == NOW


def test_approve_with_changes_shortens_and_drops() -> None:
    org = small_org()
    org.org.four_eyes = FourEyes.OFF  # one request for both items: one route, one approver
    uow, clock = InMemoryUnitOfWork(org), FixedClock(NOW)
    d = draft("aws-prod:read-only", "aws-prod:power-user", identity="new")
    rid = submit_one(uow, clock, d=d).id
    shorter = NOW + timedelta(days=2)
    with pytest.raises(DomainError, match="shorten"):
        approve(
            uow=uow,
            request_id=rid,
            approver=DANA,
            clock=clock,
            changes=Changes(end=NOW + timedelta(days=30)),
        )
    with pytest.raises(DomainError, match="reject instead"):
        approve(
            uow=uow,
            request_id=rid,
            approver=DANA,
            clock=clock,
            changes=Changes(drop=("aws-prod:read-only", "aws-prod:power-user")),
        )
    request = approve(
        uow=uow,
        request_id=rid,
        approver=DANA,
        clock=clock,
        changes=Changes(end=shorter, drop=("aws-prod:power-user",)),
    )
    assert request.end == shorter
    assert [i.entitlement_id for i in request.active_items] == ["aws-prod:read-only"]


def test_cancel_only_by_requester_and_only_while_open(
    env: tuple[InMemoryUnitOfWork, FixedClock],
) -> None:
    uow, clock = env
    rid = submit_one(uow, clock).id
    with pytest.raises(NotAllowed):
        cancel(uow=uow, request_id=rid, actor=DANA, clock=clock)
    assert cancel(uow=uow, request_id=rid, actor=ALEX, clock=clock).state is State.CANCELLED
    with pytest.raises(InvalidTransition):
        cancel(uow=uow, request_id=rid, actor=ALEX, clock=clock)


def _granted(uow: InMemoryUnitOfWork, clock: FixedClock) -> AccessRequest:
    rid = submit_one(uow, clock).id
    approve(uow=uow, request_id=rid, approver=DANA, clock=clock)
    approve(uow=uow, request_id=rid, approver=OMAR, clock=clock)
    connectors = ConnectorRegistry()
    waiting = fulfil_now(uow, rid, clock, connectors)
    assert waiting.state is State.FULFILLING  # manual: a task for the owners
    with pytest.raises(NotAllowed):
        complete_task(
            uow=uow, directory=directory(uow), request_id=rid, actor=ALEX, clock=clock, success=True
        )
    return complete_task(
        uow=uow, directory=directory(uow), request_id=rid, actor=OMAR, clock=clock, success=True
    )


def test_manual_fulfillment_records_the_grant_with_its_end(
    env: tuple[InMemoryUnitOfWork, FixedClock],
) -> None:
    uow, clock = env
    request = _granted(uow, clock)
    assert request.state is State.FULFILLED
    assert request.items[0].status is ItemStatus.DONE
    assert "github:write" in directory(uow).held_by(ALEX, at=NOW)
    assert "github:write" not in directory(uow).held_by(ALEX, at=NOW + timedelta(days=8))


def test_failed_task_fails_the_request(env: tuple[InMemoryUnitOfWork, FixedClock]) -> None:
    uow, clock = env
    rid = submit_one(uow, clock, d=draft("aws-prod:read-only", identity="new")).id
    approve(uow=uow, request_id=rid, approver=DANA, clock=clock)
    fulfil_now(uow, rid, clock, ConnectorRegistry())
    request = complete_task(
        uow=uow,
        directory=directory(uow),
        request_id=rid,
        actor=SAM,
        clock=clock,
        success=False,
        note="no licence left",
    )
    assert request.state is State.FAILED and request.items[0].note == "no licence left"


def test_new_account_is_created_on_fulfillment(env: tuple[InMemoryUnitOfWork, FixedClock]) -> None:
    uow, clock = env
    rid = submit_one(uow, clock, d=draft("aws-prod:read-only", identity="new")).id
    approve(uow=uow, request_id=rid, approver=DANA, clock=clock)
    fulfil_now(uow, rid, clock, ConnectorRegistry())
    request = complete_task(
        uow=uow,
        directory=directory(uow),
        request_id=rid,
        actor=SAM,
        clock=clock,
        success=True,
        username="alex.meyer",
    )
    assert request.items[0].identity_id == "aws-prod:alex.meyer"
    assert [i.id for i in directory(uow).identities_in(ALEX, "aws-prod")] == ["aws-prod:alex.meyer"]


def test_temporary_access_expires_once(env: tuple[InMemoryUnitOfWork, FixedClock]) -> None:
    uow, clock = env
    rid = _granted(uow, clock).id
    assert expire_now(uow, clock, ConnectorRegistry()) == []
    clock.advance(days=7)
    expired = expire_now(uow, clock, ConnectorRegistry())
    assert [r.id for r in expired] == [rid] and expired[0].state is State.EXPIRED
    assert "github:write" not in directory(uow).held_by(ALEX)
    assert expire_now(uow, clock, ConnectorRegistry()) == []
    assert actions(uow)[-3:] == ["request.expired", "connector.revoke", "item.removed"]


def test_revoke_by_owner_not_by_a_stranger(env: tuple[InMemoryUnitOfWork, FixedClock]) -> None:
    uow, clock = env
    rid = _granted(uow, clock).id
    with pytest.raises(NotAllowed):
        revoke(
            uow=uow,
            directory=directory(uow),
            request_id=rid,
            actor=PRIYA,
            clock=clock,
        )
    request = revoke(
        uow=uow,
        directory=directory(uow),
        request_id=rid,
        actor=INES,
        clock=clock,
    )
    assert request is not None and request.state is State.REVOKED


def test_a_failed_transition_leaves_no_audit_event(
    env: tuple[InMemoryUnitOfWork, FixedClock],
) -> None:
    uow, clock = env
    rid = submit_one(uow, clock).id
    before = actions(uow)
    with pytest.raises(DomainError):
        approve(
            uow=uow,
            request_id=rid,
            approver=DANA,
            clock=clock,
            changes=Changes(end=NOW - timedelta(days=1)),
        )
    assert actions(uow) == before


def test_each_owner_closes_their_own_app_in_a_multi_app_request() -> None:
    org = small_org()
    org.applications[0].approval = ["manager"]  # github and aws-prod share one route now
    uow, clock = InMemoryUnitOfWork(org), FixedClock(NOW)
    d = Draft.model_validate(
        {
            "requester": ALEX,
            "beneficiary": ALEX,
            "reason": "New project",
            "end": NOW + timedelta(days=3),
            "items": [
                RequestItem(
                    entitlement_id="github:write", app_id="github", identity_id="github:alex-m"
                ),
                RequestItem(
                    entitlement_id="aws-prod:read-only", app_id="aws-prod", identity_id="new"
                ),
            ],
        }
    )
    (request,) = submit(uow=uow, directory=directory(uow), draft=d, actor=ALEX, clock=clock)
    approve(uow=uow, request_id=request.id, approver=DANA, clock=clock)
    fulfil_now(uow, request.id, clock, ConnectorRegistry())
    half = complete_task(
        uow=uow,
        directory=directory(uow),
        request_id=request.id,
        actor=OMAR,
        clock=clock,
        success=True,
    )
    assert half.state is State.FULFILLING  # Sam's AWS item is still open
    assert [i.status for i in half.items] == [ItemStatus.DONE, ItemStatus.FULFILLING]
    done = complete_task(
        uow=uow,
        directory=directory(uow),
        request_id=request.id,
        actor=SAM,
        clock=clock,
        success=True,
    )
    assert done.state is State.FULFILLED
