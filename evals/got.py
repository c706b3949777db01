"""What the bot ended a case with, in the case file's own words (`got`).

The last reply decides: a proposal card, a question (the slots it asks about) or a
refusal (its code). Any other reply kind (a message, a cancellation) is an outcome of
its own that no case expects. `got` is plain JSON, so it goes into report.json as is.
"""

from __future__ import annotations

from typing import Any

from agent.runner import Reply
from evals.expect import PERMANENT
from tools.proposal_models import Proposal

OUTCOMES = {"proposal": "proposal", "clarify": "clarify", "refused": "refuse"}


def got_from(reply: Reply) -> dict[str, Any]:
    outcome = OUTCOMES.get(reply.kind, reply.kind)
    if outcome == "proposal" and reply.proposal is not None:
        return {"outcome": outcome, **proposal_slots(reply.proposal)}
    if outcome == "clarify":
        return {"outcome": outcome, "clarify": [p.get("slot") for p in reply.problems]}
    if outcome == "refuse":
        return {"outcome": outcome, "refuse": reply.refusal_code}
    return {"outcome": outcome}


def error_got(exc: BaseException) -> dict[str, Any]:
    return {"outcome": "error", "error": f"{type(exc).__name__}: {exc}"}


def proposal_slots(p: Proposal) -> dict[str, Any]:
    return {
        "kind": p.kind,
        "beneficiary": p.beneficiary.id if p.beneficiary else None,
        "access_like": _access_like(p),
        "entitlements": [i.entitlement_id for i in p.items],
        "identities": {i.entitlement_id: i.identity_id for i in p.items},
        "end": _end(p),
        "capped": bool(p.duration and p.duration.capped),
        "reason": p.reason,
    }


def _access_like(p: Proposal) -> dict[str, Any] | None:
    like = p.access_like
    if like is None:
        return None
    return {"kind": like.kind} if like.kind == "custom" else {"kind": like.kind, "ref": like.ref}


def _end(p: Proposal) -> str | None:
    if p.duration is None:
        return None
    if p.duration.status == "permanent":
        return PERMANENT
    return p.duration.end_date
