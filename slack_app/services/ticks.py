"""The card narrowed to the items left ticked, for Submit (Slack's tick boxes, the chat's
`/drop` and `/keep`).

Unticking is a change like "only 1 and 3" said in words: the kept items go through the
same tool (`tools.changes.apply_changes`, op ONLY by the card's item numbers), which
re-runs routes, caps and warnings for what is left. Ticks name entitlement ids; only
the card's own items can be kept, so ticks never add anything, and the domain checks
the draft again when it is submitted (rule 8).
"""

from __future__ import annotations

from collections.abc import Collection

from domain.errors import DomainError
from domain.ids import key
from slack_app.bootstrap import Runtime
from slack_app.services.lookups import StoreRequests
from slack_app.services.requests import StorePending
from tools.base import ToolContext
from tools.change_models import Change, ChangeOp
from tools.changes import apply_changes
from tools.proposal_models import Proposal

NOTHING_TICKED = "Nothing is ticked on the card, so nothing was submitted: tick what you need."


def tool_context(runtime: Runtime, requester: str) -> ToolContext:
    return ToolContext(
        directory=runtime.directory(),
        requester_id=requester,
        now=runtime.clock.now(),
        pending=StorePending(runtime),
        requests=StoreRequests(runtime),
    )


def numbers(proposal: Proposal, ticked: Collection[str]) -> list[str]:
    """The card's item numbers ("1" = first) of the ticked entitlement ids, in card order."""
    wanted = {key(t) for t in ticked}
    return [str(n) for n, i in enumerate(proposal.items, 1) if key(i.entitlement_id) in wanted]


def keep_ticked(runtime: Runtime, proposal: Proposal, ticked: Collection[str] | None) -> Proposal:
    """The card with only the ticked items (None: all of them). DomainError when none is
    ticked, or when what is left cannot be requested as it stands."""
    if ticked is None:
        return proposal
    kept = numbers(proposal, ticked)
    if not kept:
        raise DomainError(NOTHING_TICKED, code="nothing_ticked")
    if len(kept) == len(proposal.items):
        return proposal
    ctx = tool_context(runtime, proposal.requester.id)
    result = apply_changes(ctx, proposal, [Change(op=ChangeOp.ONLY, items=kept)])
    if result.not_understood or result.proposal.status != "ready":
        why = " ".join(result.not_understood) or "what is left can't be requested as it is."
        raise DomainError(why, code="ticked_not_kept")
    return result.proposal
