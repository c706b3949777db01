"""What the bot says, phrased from tool results only: no fact here comes from the model."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from tools.base import Candidate
from tools.proposal_models import Problem, Proposal

IGNORED_INSTRUCTIONS = "I ignored instructions in the pasted text."
NOT_A_CHANGE = "I didn't understand that as a change to the card, so it is as it was."

REFUSALS = {
    "skip_approval": "I can't skip or shortcut approval: every request goes to its approvers, "
    "whoever asks.",
    "self_approval": "I can't approve requests, and nobody approves their own: approvers "
    "decide with their own click.",
    "change_approver": "I can't change who approves: the approval route comes from the org's "
    "rules.",
    "prompt_injection": "I only help with access requests, and I follow my rules whatever a "
    "message says. Tell me what access you need.",
    "out_of_scope": "I can only help with access requests.",
}

HELP = (
    "Tell me what access you need, in your own words. For example:\n"
    '• "same access as Priya but temporary"\n'
    '• "github write for 2 weeks, for the payments migration"\n'
    '• "what new SREs get, until Friday"'
)


def numbered(choices: Sequence[Candidate]) -> str:
    lines = []
    for n, choice in enumerate(choices, start=1):
        detail = f" ({choice.detail})" if choice.detail else ""
        lines.append(f"  {n}. {choice.label}{detail}")
    return "\n".join(lines)


def question_text(problems: Sequence[Problem | Mapping[str, Any]]) -> str:
    parts = []
    for problem in map(_problem, problems):
        text = problem.message
        if problem.choices:
            text += "\n" + numbered(problem.choices)
            if problem.multiple:
                text += '\n  (pick some, e.g. "1 and 3", or say "all of them")'
        parts.append(text)
    return "\n".join(parts)


def refusal_text(proposal: Proposal | None, code: str | None = None) -> str:
    if code is not None:
        return REFUSALS.get(code, REFUSALS["out_of_scope"])
    refusal = proposal.refusal if proposal else None
    return refusal.message if refusal and refusal.message else "I can't make that request."


def proposal_text(proposal: Proposal | Mapping[str, Any]) -> str:
    """The confirmation card as plain text (the Slack card's fallback, the chat's card)."""
    p = proposal if isinstance(proposal, Proposal) else Proposal.model_validate(proposal)
    who = p.beneficiary.name if p.beneficiary else "you"
    verb = {"revoke": "Remove", "extend": "Extend access"}.get(p.kind, "Request")
    lines = [f"{verb} for {who}:"]
    like = p.access_like
    if like and like.kind != "custom":
        lines.append(f"  Access like: {like.kind.replace('_', ' ')} {like.label}")
    card_end = p.duration.end if p.duration else None
    for item in p.items:
        flag = "  ⚠ privileged" if item.privileged else ""
        own = _own_end(item.end) if p.kind == "grant" and item.end != card_end else ""
        lines.append(f"  • {item.label} on {item.identity_label}{own}{flag}")
    if p.duration:
        lines.append(_duration(p))
    lines.append(f"  Reason: {p.reason or '(pick one before submitting)'}")
    if p.reason_text and p.reason_text != p.reason:
        lines.append(f"  Justification: {p.reason_text}")
    for route in p.routes:
        steps = " → ".join(" or ".join(s.approver_names) for s in route.steps)
        lines.append(f"  Approval: {steps}")
    lines.extend(f"  Note: {w}" for w in p.warnings)
    return "\n".join(lines)


def _duration(p: Proposal) -> str:
    duration = p.duration
    if duration is None or duration.status == "permanent":
        return "  Duration: permanent"
    capped = " (capped)" if duration.capped else ""
    ends = duration.ends or f"at the end of {duration.end_date}"
    label = "New end" if p.kind == "extend" else "Ends"
    return f"  {label}: {ends}{capped}"


def _own_end(end: str | None) -> str:
    """An item whose end differs from the card's (a cap of its own cut it)."""
    return " (permanent)" if end is None else " (ends earlier: see the note)"


def _problem(problem: Problem | Mapping[str, Any]) -> Problem:
    """A problem as the blocks hold it (`Reply.problems`, JSON, maybe abridged) typed."""
    if isinstance(problem, Problem):
        return problem
    choices = [{"score": 0.0, **choice} for choice in problem.get("choices", [])]
    return Problem.model_validate({"code": "", "message": "", **problem, "choices": choices})
