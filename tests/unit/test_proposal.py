"""build_proposal end to end on the small org: ready, needs_input and refused asks."""

from __future__ import annotations

from typing import Any

import pytest

from tests.orgs import NOW, small_directory
from tools.base import PendingLookup, ToolContext
from tools.proposal import build_proposal
from tools.proposal_models import Proposal, ProposalInput

D = small_directory()


class Pending(PendingLookup):
    def __init__(self, ids: set[str]) -> None:
        self.ids = ids

    def pending_for(self, beneficiary_id: str) -> set[str]:
        return self.ids


def propose(
    requester: str = "alex@t.test", pending: set[str] | None = None, **ask: object
) -> Proposal:
    ctx = ToolContext(
        directory=D, requester_id=requester, now=NOW, pending=Pending(pending or set())
    )
    return build_proposal(ctx, ProposalInput.model_validate(ask))


def slots(p: Proposal) -> list[str | None]:
    return [problem.slot for problem in p.problems]


def test_custom_ask_is_ready_with_route_and_end() -> None:
    p = propose(
        entitlements=["github write"], duration="for 2 weeks", reason="payments migration project"
    )
    assert p.status == "ready", p.problems
    assert [(i.entitlement_id, i.identity_id) for i in p.items] == [
        ("github:write", "github:alex-m")
    ]
    assert p.duration is not None and p.duration.end_date == "2026-03-18"
    assert p.reason == "New project"
    assert [s.rule for s in p.routes[0].steps] == ["manager", "app_owner"]


def test_like_a_person_takes_every_grant_at_once() -> None:
    p = propose(access_like="person", reference="Priya", duration="permanent")
    assert p.status == "ready", p.problems
    assert {i.entitlement_id: i.identity_id for i in p.items} == {
        "github:write": "github:alex-m",
        "aws-prod:read-only": "new",
    }
    # AWS Production caps at 14 days: only its own item is shortened
    ends = {i.entitlement_id: (i.end, i.capped_by) for i in p.items}
    assert ends["github:write"] == (None, None)
    assert ends["aws-prod:read-only"] == (
        "2026-03-18T15:00:00Z",
        "AWS Production allows at most 2 weeks",
    )
    assert p.duration is not None and p.duration.status == "permanent"


def test_like_a_person_narrowed_by_app() -> None:
    p = propose(
        access_like="person", reference="priya raman", entitlements=["github"], duration="3 days"
    )
    assert p.status == "ready" and [i.entitlement_id for i in p.items] == ["github:write"]


def test_missing_duration_is_asked_not_assumed() -> None:
    p = propose(entitlements=["github write"])
    assert slots(p) == ["duration"]


def test_role_gives_the_whole_bundle() -> None:
    p = propose(access_like="role", reference="backend on-call", duration="1 week")
    assert p.status == "ready"
    assert [i.entitlement_id for i in p.items] == ["github:write", "aws-prod:read-only"]


def test_job_title_bundle() -> None:
    p = propose(access_like="job_title", reference="platform lead", duration="2d")
    assert [i.entitlement_id for i in p.items] == ["github:admin"]
    assert any("privileged" in w for w in p.warnings)


@pytest.mark.parametrize(
    ("ask", "code"),
    [
        ({"access_like": "person", "reference": "Tom Becker"}, "reference_terminated"),
        ({"entitlements": ["github read"], "duration": "1d"}, "already_held"),
        ({"entitlements": ["okta admin"], "duration": "1d"}, "not_requestable"),
        ({"entitlements": ["hooks"], "duration": "1d"}, "no_account"),
        ({"entitlements": ["salesforce"], "duration": "1d"}, "unknown_app"),
        ({"beneficiary": "Priya Raman", "entitlements": ["github write"]}, "not_your_report"),
        ({"kind": "revoke", "entitlements": ["github write"]}, "not_held"),
    ],
)
def test_refusals(ask: dict[str, Any], code: str) -> None:
    p = propose(**ask)
    assert p.status == "refused" and p.refusal is not None
    assert p.refusal.code == code, p.refusal.message


def test_already_pending_is_refused_with_a_message() -> None:
    p = propose(pending={"github:write"}, entitlements=["github write"], duration="1d")
    assert p.refusal is not None and p.refusal.code == "already_pending"


def test_revoke_needs_no_duration() -> None:
    p = propose(kind="revoke", entitlements=["github"])
    assert p.status == "ready" and [i.entitlement_id for i in p.items] == ["github:read"]


def test_manager_asks_for_a_report() -> None:
    p = propose(
        requester="dana@t.test",
        beneficiary="Alex",
        entitlements=["github write"],
        duration="1 week",
    )
    assert p.status == "ready" and p.beneficiary is not None
    assert p.beneficiary.id == "alex@t.test"
    assert p.routes[0].steps[0].approvers == ["ceo@t.test"]  # Dana can't approve her own ask


def test_two_accounts_in_one_app_are_asked_about() -> None:
    p = propose(requester="omar@t.test", entitlements=["github write"], duration="1 week")
    assert slots(p) == ["identity"]
    assert [c.id for c in p.problems[0].choices] == ["github:omar", "github:omar-bot"]
    p = propose(
        requester="omar@t.test",
        entitlements=["github write"],
        duration="1 week",
        identities={"github": "github:omar-bot"},
    )
    assert p.status == "ready" and p.items[0].identity_id == "github:omar-bot"
