"""Which open request "cancel my GitHub request" means (docs/specs/conversation.md §4).

Read-only: it only finds the request. Withdrawing is the surface's act, through
`slack_app.services.requests.withdraw`, which the domain checks again (only the
requester, and only before fulfilment starts).
"""

from __future__ import annotations

from pydantic import Field

from domain.ids import key
from domain.model.requests import AccessRequest, State
from tools.base import Candidate, ToolContext, ToolModel
from tools.find import entitlement_label
from tools.held import named_within
from tools.proposal_models import Problem

WITHDRAWABLE = frozenset({State.SUBMITTED, State.APPROVED})


class Withdrawable(ToolModel):
    request_ids: list[str] = Field(description="The one request to withdraw (or none).")
    problem: Problem | None = Field(
        default=None, description="Which one (choices), or that there is nothing to withdraw."
    )


def find_withdrawable(ctx: ToolContext, entitlements: list[str]) -> Withdrawable:
    """The requester's own open request, not yet being set up, that `entitlements` (as
    written; empty = any) names. Several: a problem with one choice per request."""
    mine = [
        r
        for r in ctx.requests.open_involving(ctx.requester_id)
        if key(r.requester) == key(ctx.requester_id) and r.state in WITHDRAWABLE
    ]
    if entitlements:
        mine = [r for r in mine if named_within(ctx.directory, entitlements, _ids(r))]
    if len(mine) == 1:
        return Withdrawable(request_ids=[mine[0].id])
    if not mine:
        what = f" for {', '.join(entitlements)}" if entitlements else ""
        return Withdrawable(
            request_ids=[],
            problem=Problem(
                code="nothing_to_withdraw",
                message=f"You have no open request{what} that can still be cancelled.",
            ),
        )
    return Withdrawable(
        request_ids=[],
        problem=Problem(
            slot="request",
            code="choose_request",
            message="Which request do you want to cancel?",
            choices=[_choice(ctx, r) for r in mine],
        ),
    )


def _ids(request: AccessRequest) -> list[str]:
    return [i.entitlement_id for i in request.active_items]


def _choice(ctx: ToolContext, request: AccessRequest) -> Candidate:
    what = ", ".join(entitlement_label(ctx.directory, e) for e in _ids(request))
    return Candidate(id=request.id, label=f"{request.id} · {what}", score=100)
