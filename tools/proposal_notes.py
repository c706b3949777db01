"""What a card tells beyond its items: the warnings, and the duration question."""

from __future__ import annotations

from tools.base import ToolContext
from tools.duration import DurationOutput
from tools.proposal_ends import cap_warnings
from tools.proposal_models import Problem, Proposal, ProposedItem, RouteGroup


def warnings(ctx: ToolContext, p: Proposal) -> list[str]:
    """What the card warns about, from its items, ends, left-out items and routes."""
    out = [f"{item.label} is privileged access." for item in p.items if item.privileged]
    out.extend(cap_warnings(ctx, p))
    out.extend(f"{left.label} left out: {left.why}" for left in p.left_out)
    requests = len({(i.end, n) for n, r in enumerate(p.routes) for i in _in(p, r)})
    if requests > 1:
        per = "approval route and end" if requests > len(p.routes) else "approval route"
        out.append(f"This becomes {requests} requests, one per {per}.")
    return out


def _in(p: Proposal, route: RouteGroup) -> list[ProposedItem]:
    ids = set(route.entitlement_ids)
    return [i for i in p.items if i.entitlement_id in ids]


def duration_problem(d: DurationOutput) -> Problem:
    if d.status == "error":
        return Problem(slot="duration", code="bad_duration", message=d.message)
    if d.status == "needs_end":
        return Problem(
            slot="duration",
            code="needs_end",
            message='Until when do you need it? (a date, or e.g. "for 2 weeks")',
        )
    offer = "permanent, or " if d.permanent_allowed else ""
    return Problem(
        slot="duration",
        code="no_duration",
        message=f'For how long do you need it? ({offer}e.g. "for 2 weeks", "until Friday")',
    )
