"""`apply_changes`: changes said in words, applied to the open card (conversation.md §2).

Each `Change` is applied in turn to a copy of the card; one that cannot be applied
leaves the card as the previous one left it and says why. A field no change names
never changes: an added item is capped from the end the requester asked for, and the
other items keep their ends, accounts and the justification. Removing an item only
takes it off the card, never asks to revoke anything.
"""

from __future__ import annotations

from pydantic import Field

from tools.base import ToolContext, ToolModel
from tools.change_models import Change, ChangeOp
from tools.proposal_card import Cant, Step
from tools.proposal_edits import add, keep_only, remove
from tools.proposal_models import Proposal
from tools.proposal_settings import set_account, set_end, set_justification


class ChangeResult(ToolModel):
    proposal: Proposal = Field(description="The card after the changes (the same if none).")
    said: str = Field(description='One line for the user: "Removed Snowflake · Analyst."')
    not_understood: list[str] = Field(
        default_factory=list, description="One sentence per change that could not be applied."
    )


_OPS = {
    ChangeOp.ADD: add,
    ChangeOp.REMOVE: remove,
    ChangeOp.ONLY: keep_only,
    ChangeOp.SET_END: set_end,
    ChangeOp.SET_ACCOUNT: set_account,
    ChangeOp.SET_JUSTIFICATION: set_justification,
}


def apply_changes(ctx: ToolContext, proposal: Proposal, changes: list[Change]) -> ChangeResult:
    """Apply each change to the open card by the deterministic tools: policy, held and
    pending, accounts, caps, routes and warnings are worked out again. A new
    beneficiary is not a change to this card (the agent builds a new one)."""
    card = proposal
    said: list[str] = []
    missed: list[str] = []
    for change in changes:
        op = _OPS.get(change.op)
        if op is None:
            continue
        if card.status == "refused" or card.beneficiary is None:
            missed.append("There is no card to change.")
            continue
        try:
            step: Step = op(ctx, card, change)
        except Cant as cant:
            missed.append(str(cant))
            continue
        card = step.card
        said.extend(s for s in [step.said] if s)
        missed.extend(step.missed)
    return ChangeResult(proposal=card, said=" ".join(said), not_understood=missed)
