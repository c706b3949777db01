"""Approver picks are wishes: each is checked against the step of the request actually
submitted, a forged or misplaced one is refused (and kept as evidence), and a pick
only holds while the person is still an active approver of the step."""

from __future__ import annotations

from typing import Any

import pytest

from domain.model.requests import AccessRequest, ApprovalStep, AuditEvent
from domain.ports import FixedClock
from domain.store.memory import InMemoryUnitOfWork
from domain.usecases.submission import submit
from slack_app.blocks.ids import Action, pack
from slack_app.listeners.card import chosen_approvers
from slack_app.services.picks import (
    APPROVER_PICK_REFUSED,
    APPROVER_PICKED,
    pick_events,
    still_asked,
)
from slack_app.services.requests import draft_from
from tests.orgs import NOW, small_directory, small_org
from tools.base import ToolContext
from tools.proposal import build_proposal
from tools.proposal_models import Proposal, ProposalInput

ALEX = "alex@t.test"
D = small_directory()


@pytest.fixture(scope="module")
def submitted() -> tuple[Proposal, list[AccessRequest]]:
    """Alex asks for GitHub Admin (manager → owner → security: Sam or Omar) and AWS
    read-only (manager): two routes, so two requests."""
    ctx = ToolContext(directory=D, requester_id=ALEX, now=NOW)
    ask = ProposalInput(
        entitlements=["github admin", "aws-prod read-only"], duration="3 days", reason="Other"
    )
    proposal = build_proposal(ctx, ask)
    assert proposal.status == "ready", proposal.problems
    made = submit(
        uow=InMemoryUnitOfWork(small_org()),
        directory=D,
        draft=draft_from(proposal, reason="Other"),
        actor=ALEX,
        clock=FixedClock(NOW),
    )
    return proposal, made


def group_of(proposal: Proposal, entitlement: str) -> int:
    return next(n for n, g in enumerate(proposal.routes) if entitlement in g.entitlement_ids)


def events(
    submitted: tuple[Proposal, list[AccessRequest]], picks: dict[tuple[int, int], str]
) -> list[AuditEvent]:
    proposal, made = submitted
    return pick_events(proposal, made, picks, actor=ALEX, at=NOW)


def test_an_eligible_pick_is_kept_for_its_request_and_step(submitted: Any) -> None:
    proposal, made = submitted
    admin = group_of(proposal, "github:admin")
    (event,) = events(submitted, {(admin, 2): "SAM@t.test"})
    request = next(r for r in made if r.items[0].entitlement_id == "github:admin")
    assert request.steps[2].approvers == ["sam@t.test", "omar@t.test"]
    assert event.action == APPROVER_PICKED and event.actor == ALEX
    assert event.request_id == request.id
    assert event.data == {"step": 2, "person": "sam@t.test", "group": admin}  # as the org spells


@pytest.mark.parametrize(
    ("entitlement", "step", "person"),
    [
        ("github:admin", 2, "priya@t.test"),  # not an approver at all
        ("github:admin", 1, "sam@t.test"),  # an approver, but of another step
        ("github:admin", 2, ALEX),  # the requester never approves their own request
        ("github:admin", 7, "sam@t.test"),  # no such step
        ("aws-prod:read-only", 2, "sam@t.test"),  # that route has one step
    ],
)
def test_a_pick_that_is_not_eligible_for_that_step_is_refused(
    submitted: Any, entitlement: str, step: int, person: str
) -> None:
    proposal, _ = submitted
    (event,) = events(submitted, {(group_of(proposal, entitlement), step): person})
    assert event.action == APPROVER_PICK_REFUSED
    assert event.data["person"] == person and event.request_id is not None


def test_a_pick_for_a_route_that_does_not_exist_is_refused(submitted: Any) -> None:
    (event,) = events(submitted, {(5, 0): "sam@t.test"})
    assert event.action == APPROVER_PICK_REFUSED and event.request_id is None


def test_a_route_changed_since_the_card_refuses_the_pick(submitted: Any) -> None:
    proposal, made = submitted
    admin = group_of(proposal, "github:admin")
    shown = proposal.model_copy(deep=True)
    shown.routes[admin].steps[2].rule = "group:other"  # the card showed another rule
    (event,) = pick_events(shown, made, {(admin, 2): "sam@t.test"}, actor=ALEX, at=NOW)
    assert event.action == APPROVER_PICK_REFUSED


def test_several_picks_each_get_an_event(submitted: Any) -> None:
    proposal, _ = submitted
    admin, aws = group_of(proposal, "github:admin"), group_of(proposal, "aws-prod:read-only")
    found = events(submitted, {(admin, 2): "omar@t.test", (aws, 0): "nobody@t.test"})
    assert {e.data["person"]: e.action for e in found} == {
        "omar@t.test": APPROVER_PICKED,
        "nobody@t.test": APPROVER_PICK_REFUSED,
    }


def security_step() -> ApprovalStep:
    return ApprovalStep(index=2, rule="group:security", approvers=["sam@t.test", "tom@t.test"])


def test_a_pick_holds_while_the_person_is_an_active_approver() -> None:
    assert still_asked(D, security_step(), "Sam@t.test") == "sam@t.test"


@pytest.mark.parametrize("person", [None, "tom@t.test", "omar@t.test", "ghost@t.test"])
def test_otherwise_it_lapses_and_everyone_is_notified(person: str | None) -> None:
    """No pick; Tom left the company; Omar is not an approver of this step; unknown."""
    assert still_asked(D, security_step(), person) is None


def state(values: dict[str, Any]) -> dict[str, Any]:
    return {"state": {"values": values}}


def picked(value: str, block_id: str) -> dict[str, Any]:
    return {block_id: {block_id: {"type": "static_select", "selected_option": {"value": value}}}}


def test_the_card_state_yields_the_picks_but_not_anyone() -> None:
    body = state(
        {
            **picked("sam@t.test", pack(Action.PICK_APPROVER, "0", "2")),
            **picked("anyone", pack(Action.PICK_APPROVER, "1", "1")),
            **picked("x" * 500, pack(Action.PICK_APPROVER, "1", "2")),
            **picked("omar@t.test", pack(Action.PICK_APPROVER, "a", "2")),
            **picked("omar@t.test", pack(Action.PICK_APPROVER, "0")),
            **picked("Other", Action.REASON_SELECT),
        }
    )
    assert chosen_approvers(body) == {(0, 2): "sam@t.test", (1, 2): "x" * 150}
    assert chosen_approvers({}) == {}
    assert chosen_approvers(state({"pick_approver|0|1": {"other": {}}})) == {}
