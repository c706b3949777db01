"""Changing the open card in words (docs/specs/conversation.md §2).

The model reads "without Snowflake", "make it 3 days" into `Change`s; the tools apply
them to the card as shown (`tools.changes.apply_changes`), so nothing the message did
not name changes. An older-style edit that only fills the ask's slots ("3 days" as the
duration) is read as the changes it implies, never as a new request.
"""

from __future__ import annotations

from agent.ask import Ask
from agent.phrasing import IGNORED_INSTRUCTIONS, NOT_A_CHANGE, proposal_text
from agent.state import AskState, Outcome, Update
from tools.base import ToolContext
from tools.change_models import Change, ChangeOp
from tools.changes import ChangeResult, apply_changes
from tools.proposal_models import Proposal


def implied_changes(ask: Ask, current: AskState) -> list[Change]:
    """The changes an edit means: its explicit ones, else those its filled slots imply."""
    if ask.changes:
        return list(ask.changes)
    changes: list[Change] = []
    if ask.entitlements:
        changes.append(Change(op=ChangeOp.ADD, items=list(ask.entitlements)))
    if ask.action == "edit" and ask.selection:
        changes.append(Change(op=ChangeOp.ONLY, items=list(ask.selection)))
    if ask.duration:
        changes.append(Change(op=ChangeOp.SET_END, duration=ask.duration))
    changes.extend(Change(op=ChangeOp.SET_ACCOUNT, account=hint) for hint in ask.identity_hints)
    if why := ask.justification or ask.reason:
        changes.append(Change(op=ChangeOp.SET_JUSTIFICATION, justification=why))
    if ask.beneficiary and _norm(ask.beneficiary) != _norm(current.beneficiary or "me"):
        changes.append(Change(op=ChangeOp.NEW_BENEFICIARY, beneficiary=ask.beneficiary))
    return changes


def new_beneficiary(changes: list[Change]) -> bool:
    return any(c.op is ChangeOp.NEW_BENEFICIARY and c.beneficiary for c in changes)


def changed_card(
    ctx: ToolContext, card: Proposal, changes: list[Change], *, ignored: bool
) -> Update:
    """The card after `changes`, said first in one line; a change the tools could not
    apply is said, and leaves the card as it was."""
    if not changes:
        return shown_again(card, NOT_A_CHANGE)
    result = apply_changes(ctx, card, changes)
    kept = result.proposal.status != "ready"
    after = with_ignored_note(card if kept else result.proposal, ignored=ignored)
    said = _said(result, kept=kept)
    return {
        "proposal": after,
        "outcome": Outcome.PROPOSAL,
        "question": None,
        "changed": result.said or None,
        "reply": "\n".join([*said, proposal_text(after)]),
    }


def shown_again(card: Proposal, first: str) -> Update:
    return {
        "proposal": card,
        "outcome": Outcome.PROPOSAL,
        "changed": None,
        "reply": f"{first}\n{proposal_text(card)}",
    }


def with_ignored_note(proposal: Proposal, *, ignored: bool) -> Proposal:
    """The card says so when pasted text held instructions it did not follow."""
    if not ignored or IGNORED_INSTRUCTIONS in proposal.warnings:
        return proposal
    return proposal.model_copy(update={"warnings": [*proposal.warnings, IGNORED_INSTRUCTIONS]})


def _said(result: ChangeResult, *, kept: bool) -> list[str]:
    lines = [line for line in (result.said, *result.not_understood) if line]
    if kept:
        lines += [p.message for p in result.proposal.problems] or [NOT_A_CHANGE]
    return lines or [NOT_A_CHANGE]


def _norm(name: str) -> str:
    return " ".join(name.casefold().split())
