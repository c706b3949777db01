"""The approvers tool: who approves each grant, in which order."""

from __future__ import annotations

from pydantic import Field

from domain.errors import DomainError
from domain.model.policy import approval_route
from tools.base import ToolContext, ToolModel


class ApproversInput(ToolModel):
    beneficiary_id: str = Field(description="Person id of who would receive the access.")
    entitlement_ids: list[str] = Field(description="Entitlement ids to route.")


class Step(ToolModel):
    rule: str = Field(
        description="manager | app_owner | group:NAME | person:ID, or four_eyes: a second "
        "approver added because privileged access needs two different people"
    )
    approvers: list[str] = Field(description="Person ids; any one of them completes the step.")
    approver_names: list[str]
    note: str = ""


class Route(ToolModel):
    entitlement_id: str
    steps: list[Step] = Field(default_factory=list)
    error: str | None = Field(default=None, description="Set when nobody may approve it.")


class ApproversOutput(ToolModel):
    routes: list[Route]


def route_for(ctx: ToolContext, beneficiary_id: str, entitlement_id: str) -> Route:
    try:
        steps = approval_route(
            ctx.directory,
            entitlement_id,
            requester_id=ctx.requester_id,
            beneficiary_id=beneficiary_id,
        )
    except DomainError as exc:
        return Route(entitlement_id=entitlement_id, error=exc.message)
    people = ctx.directory.person
    return Route(
        entitlement_id=entitlement_id,
        steps=[
            Step(
                rule=s.rule,
                approvers=list(s.approvers),
                approver_names=[p.name if (p := people(a)) else a for a in s.approvers],
                note=s.note,
            )
            for s in steps
        ],
    )


def approvers(ctx: ToolContext, inp: ApproversInput) -> ApproversOutput:
    """Who would approve each grant, step by step, after the rule that nobody approves
    their own request (such a step goes to that person's manager) and four eyes
    (privileged access needs two different approvers: a route that comes down to one
    person gets their manager added). A route with an error means nobody may approve
    it: the request would be refused."""
    return ApproversOutput(
        routes=[route_for(ctx, inp.beneficiary_id, e) for e in inp.entitlement_ids]
    )
