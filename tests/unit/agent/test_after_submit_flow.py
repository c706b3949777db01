"""Withdraw and extend through the graph, with a scripted model and a fake request lookup
(docs/specs/conversation.md §4): the graph finds which request, the surface withdraws it."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import timedelta

from langgraph.checkpoint.memory import InMemorySaver

from agent.deps import AgentDeps
from agent.graph import build_graph
from agent.runner import AgentRunner, thread_id
from agent.state import Outcome
from domain.model.requests import AccessRequest, ApprovalStep, RequestItem, RequestKind, State
from domain.ports import FixedClock
from tests.after_submit_org import directory
from tests.fakes.models import ScriptedModel
from tests.orgs import NOW
from tools.base import RequestLookup

D = directory()
ALEX, DANA = "alex@t.test", "dana@t.test"
T = thread_id("test", "after-submit")


class Requests(RequestLookup):
    def __init__(self, *requests: AccessRequest) -> None:
        self.requests = list(requests)

    def open_involving(self, person_id: str) -> list[AccessRequest]:
        return [r for r in self.requests if person_id in (r.requester, r.beneficiary)]


def request(rid: str, entitlement: str) -> AccessRequest:
    return AccessRequest(
        id=rid,
        kind=RequestKind.GRANT,
        requester=ALEX,
        beneficiary=ALEX,
        items=[
            RequestItem(
                entitlement_id=entitlement,
                app_id=entitlement.split(":", maxsplit=1)[0],
                identity_id="new",
            )
        ],
        reason="New project",
        state=State.SUBMITTED,
        steps=[ApprovalStep(index=0, rule="manager", approvers=[DANA])],
        created_at=NOW - timedelta(hours=1),
        updated_at=NOW - timedelta(hours=1),
    )


def runner(*asks: Mapping[str, object], requests: Requests | None = None) -> AgentRunner:
    deps = AgentDeps(
        model=ScriptedModel(turns=list(asks)),
        directory=lambda: D,
        clock=FixedClock(NOW),
        requests=lambda: requests or Requests(),
    )
    return AgentRunner(build_graph(deps, checkpointer=InMemorySaver()))


def test_withdrawing_the_one_request_named_hands_it_to_the_surface() -> None:
    open_ = Requests(request("AR-1", "github:write"), request("AR-2", "aws-prod:read-only"))
    r = runner({"action": "withdraw", "entitlements": ["github"]}, requests=open_)
    reply = r.send(T, ALEX, "cancel my github request")
    assert (reply.kind, reply.withdraw) == (Outcome.WITHDRAW, ["AR-1"])
    assert r.waiting_for(T) is None


def test_which_request_is_asked_and_the_answer_is_withdrawn() -> None:
    open_ = Requests(request("AR-1", "github:write"), request("AR-2", "github:admin"))
    r = runner(
        {"action": "withdraw", "entitlements": ["github"]},
        {"action": "answer", "selection": ["2"]},
        requests=open_,
    )
    asked = r.send(T, ALEX, "cancel my github request")
    assert asked.kind == Outcome.CLARIFY and [p["slot"] for p in asked.problems] == ["request"]
    chosen = asked.problems[0]["choices"][1]["id"]
    reply = r.send(T, ALEX, "the second")
    assert (reply.kind, reply.withdraw) == (Outcome.WITHDRAW, [chosen])


def test_extending_a_temporary_grant_shows_an_extension_card() -> None:
    r = runner({"action": "extend", "entitlements": ["aws"], "duration": "1 week"})
    reply = r.send(T, ALEX, "extend my aws access by a week")
    assert reply.kind == Outcome.PROPOSAL and reply.proposal is not None
    assert reply.proposal.kind == "extend"
    assert [i.entitlement_id for i in reply.proposal.items] == ["aws-prod:read-only"]
    assert r.confirmable(T, ALEX) is not None


def test_by_a_week_answering_until_when_extends_from_the_current_end() -> None:
    """The offline model: "extend my aws access", "Until when?", "by a week": the week
    counts from the grant's current end (10 March, 23:00 UTC), not from now."""
    from agent.models.offline import OfflineModel

    deps = AgentDeps(
        model=OfflineModel(lambda: D),
        directory=lambda: D,
        clock=FixedClock(NOW),
        requests=Requests,
    )
    r = AgentRunner(build_graph(deps, checkpointer=InMemorySaver()))
    first = r.send(T, ALEX, "extend my aws access")
    assert first.kind == Outcome.CLARIFY, first.text
    reply = r.send(T, ALEX, "by a week")
    assert reply.proposal is not None and reply.proposal.kind == "extend", reply.text
    assert reply.proposal.duration is not None
    assert reply.proposal.duration.end == "2026-03-17T23:00:00Z"
