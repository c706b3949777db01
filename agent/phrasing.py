"""What the bot says, phrased from tool results only: no fact here comes from the model."""

from __future__ import annotations

from typing import Any

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


def numbered(choices: list[dict[str, Any]]) -> str:
    lines = []
    for n, choice in enumerate(choices, start=1):
        detail = f" ({choice['detail']})" if choice.get("detail") else ""
        lines.append(f"  {n}. {choice['label']}{detail}")
    return "\n".join(lines)


def question_text(problems: list[dict[str, Any]]) -> str:
    parts = []
    for problem in problems:
        text = problem["message"]
        if problem.get("choices"):
            text += "\n" + numbered(problem["choices"])
            if problem.get("multiple"):
                text += '\n  (pick some, e.g. "1 and 3", or say "all of them")'
        parts.append(text)
    return "\n".join(parts)


def refusal_text(proposal: dict[str, Any] | None, code: str | None = None) -> str:
    if code is not None:
        return REFUSALS.get(code, REFUSALS["out_of_scope"])
    refusal = (proposal or {}).get("refusal") or {}
    return str(refusal.get("message") or "I can't make that request.")


def proposal_text(p: dict[str, Any]) -> str:
    """The confirmation card as plain text (the Slack card's fallback, the chat's card)."""
    who = p["beneficiary"]["name"] if p.get("beneficiary") else "you"
    verb = "Remove" if p.get("kind") == "revoke" else "Request"
    lines = [f"{verb} for {who}:"]
    like = p.get("access_like") or {}
    if like.get("kind") and like["kind"] != "custom":
        lines.append(f"  Access like: {like['kind'].replace('_', ' ')} {like.get('label')}")
    for item in p.get("items", []):
        flag = "  ⚠ privileged" if item.get("privileged") else ""
        lines.append(f"  • {item['label']} on {item['identity_label']}{flag}")
    duration = p.get("duration")
    if duration:
        if duration["status"] == "permanent":
            lines.append("  Duration: permanent")
        else:
            capped = " (capped)" if duration.get("capped") else ""
            ends = duration.get("ends") or f"at the end of {duration['end_date']}"
            lines.append(f"  Ends: {ends}{capped}")
    lines.append(f"  Reason: {p.get('reason') or '(pick one before submitting)'}")
    for route in p.get("routes", []):
        steps = " → ".join(" or ".join(s["approver_names"]) for s in route["steps"])
        lines.append(f"  Approval: {steps}")
    lines.extend(f"  Note: {w}" for w in p.get("warnings", []))
    return "\n".join(lines)
