"""From the conversation's ask to a card, a question or a refusal: tools only.

A request is built by `build_proposal` and then has the changes said with it applied
("like Priya, without Snowflake"); an extension is built by `build_extension`.
"""

from __future__ import annotations

from agent.edits import with_ignored_note
from agent.phrasing import IGNORED_INSTRUCTIONS, proposal_text, question_text, refusal_text
from agent.state import AskState, Intent, Outcome, Picks, Question, Update
from tools.base import ToolContext
from tools.changes import apply_changes
from tools.extension import ExtensionInput, build_extension
from tools.proposal import build_proposal
from tools.proposal_models import Proposal, ProposalInput


def resolved(ctx: ToolContext, ask: AskState, picks: Picks) -> Update:
    if ask.intent is Intent.EXTEND:
        return shown(build_extension(ctx, extension_input(ask, picks)), ask)
    proposal = build_proposal(ctx, proposal_input(ask, picks))
    if proposal.status != "ready" or not ask.changes:
        return shown(proposal, ask)
    result = apply_changes(ctx, proposal, ask.changes)
    said = [line for line in (result.said, *result.not_understood) if line]
    return shown(result.proposal, ask, said=said)


def shown(proposal: Proposal, ask: AskState, *, said: list[str] | None = None) -> Update:
    """The reply for a built proposal: its refusal, its question, or its card."""
    if proposal.status == "refused":
        code = proposal.refusal.code if proposal.refusal else None
        return {
            "proposal": proposal,
            "outcome": Outcome.REFUSED,
            "reply": refusal_text(proposal),
            "question": None,
            "refusal_code": code,
        }
    if proposal.status == "needs_input":
        if ask.ignored_instructions and proposal.problems:
            proposal = _noted_question(proposal)
        return {
            "proposal": proposal,
            "outcome": Outcome.CLARIFY,
            "question": Question(problems=proposal.problems),
            "reply": question_text(proposal.problems),
        }
    card = with_ignored_note(proposal, ignored=ask.ignored_instructions)
    return {
        "proposal": card,
        "outcome": Outcome.PROPOSAL,
        "question": None,
        "reply": "\n".join([*(said or []), proposal_text(card)]),
    }


def _noted_question(proposal: Proposal) -> Proposal:
    """The question says so when pasted text held instructions it did not follow, as
    the card would: in its first problem's text, which both Slack's question and the
    chat's show."""
    first, *rest = proposal.problems
    if first.message.startswith(IGNORED_INSTRUCTIONS):
        return proposal
    noted = first.model_copy(update={"message": f"{IGNORED_INSTRUCTIONS} {first.message}"})
    return proposal.model_copy(update={"problems": [noted, *rest]})


def proposal_input(ask: AskState, picks: Picks) -> ProposalInput:
    return ProposalInput(
        kind=ask.kind or "grant",
        beneficiary=picks.beneficiary or ask.beneficiary,
        access_like=ask.access_like,
        reference=picks.reference or ask.reference,
        entitlements=picks.entitlements or ask.entitlements,
        select_all=ask.select_all and not picks.entitlements,
        identities=picks.identities,
        identity_hints=ask.identity_hints,
        duration=ask.duration,
        reason=ask.reason,
        justification=ask.justification,
        apps=picks.apps,
    )


def extension_input(ask: AskState, picks: Picks) -> ExtensionInput:
    return ExtensionInput(
        entitlements=picks.entitlements or ask.entitlements,
        duration=ask.duration,
        beneficiary=picks.beneficiary or ask.beneficiary,
    )
