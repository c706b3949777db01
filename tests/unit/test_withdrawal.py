"""Which open request "cancel my GitHub request" means (docs/specs/conversation.md §4)."""

from __future__ import annotations

from datetime import timedelta

from domain.model.requests import AccessRequest, ApprovalStep, RequestItem, RequestKind, State
from tests.after_submit_org import directory
from tests.orgs import NOW
from tools.base import RequestLookup, ToolContext
from tools.withdrawal import find_withdrawable

ALEX, DANA, KAI = "alex@t.test", "dana@t.test", "kai@t.test"


class Requests(RequestLookup):
    def __init__(self, *requests: AccessRequest) -> None:
        self.requests = list(requests)

    def open_involving(self, person_id: str) -> list[AccessRequest]:
        return [r for r in self.requests if person_id in (r.requester, r.beneficiary)]


def request(
    rid: str, *ents: str, state: State = State.SUBMITTED, requester: str = ALEX
) -> AccessRequest:
    return AccessRequest(
        id=rid,
        kind=RequestKind.GRANT,
        requester=requester,
        beneficiary=ALEX,
        items=[
            RequestItem(entitlement_id=e, app_id=e.split(":")[0], identity_id="new") for e in ents
        ],
        reason="New project",
        state=state,
        steps=[ApprovalStep(index=0, rule="manager", approvers=[DANA])],
        created_at=NOW - timedelta(hours=1),
        updated_at=NOW - timedelta(hours=1),
    )


def find(*requests: AccessRequest, words: list[str] | None = None, who: str = ALEX):  # type: ignore[no-untyped-def]
    ctx = ToolContext(
        directory=directory(), requester_id=who, now=NOW, requests=Requests(*requests)
    )
    return find_withdrawable(ctx, words or [])


def test_the_one_request_naming_the_app() -> None:
    found = find(
        request("AR-1", "github:write"), request("AR-2", "aws-prod:read-only"), words=["github"]
    )
    assert found.request_ids == ["AR-1"] and found.problem is None


def test_several_matches_ask_which_with_choices() -> None:
    found = find(request("AR-1", "github:write"), request("AR-2", "github:admin"), words=["github"])
    assert found.request_ids == []
    assert found.problem is not None and found.problem.slot == "request"
    assert [c.id for c in found.problem.choices] == ["AR-1", "AR-2"]
    assert "GitHub · Admin" in found.problem.choices[1].label


def test_nothing_named_and_one_open_takes_it() -> None:
    assert find(request("AR-1", "github:write")).request_ids == ["AR-1"]


def test_none_open_says_so() -> None:
    found = find(request("AR-1", "github:write"), words=["aws"])
    assert found.request_ids == [] and found.problem is not None
    assert found.problem.code == "nothing_to_withdraw"
    assert "AWS" in found.problem.message or "aws" in found.problem.message


def test_only_my_own_not_yet_fulfilling_requests() -> None:
    found = find(
        request("AR-1", "github:write", state=State.FULFILLING),
        request("AR-2", "github:write", requester=DANA),
        request("AR-3", "github:admin", state=State.APPROVED),
        words=["github"],
    )
    assert found.request_ids == ["AR-3"]
