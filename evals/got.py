"""What the bot ended a case with, in the case file's own words (`got`).

The last reply decides: a proposal card, a question (the slots it asks about), a
refusal (its code), a read-only answer, a withdrawal (the request ids it withdraws)
or a cancellation. Any other reply kind (a message) is an outcome of its own that no
case expects. The reply's text is kept (`text`, and the one-line `changed` when a
change to a card said one) for `reply_contains`. `got` is plain JSON, so it goes into
report.json as is.
"""

from __future__ import annotations

from datetime import datetime, tzinfo
from typing import Any

from agent.runner import Reply
from evals.expect import PERMANENT
from tools.proposal_models import Proposal, ProposedItem

OUTCOMES = {"proposal": "proposal", "clarify": "clarify", "refused": "refuse"}


def got_from(reply: Reply, tz: tzinfo | None = None) -> dict[str, Any]:
    outcome = OUTCOMES.get(reply.kind, reply.kind)
    said: dict[str, Any] = {"text": reply.text}
    changed = reply.changed
    if changed:
        said["changed"] = str(changed)
    if outcome == "proposal" and reply.proposal is not None:
        return {"outcome": outcome, **proposal_slots(reply.proposal, tz), **said}
    if outcome == "clarify":
        return {"outcome": outcome, "clarify": [p.get("slot") for p in reply.problems], **said}
    if outcome == "refuse":
        return {"outcome": outcome, "refuse": reply.refusal_code, **said}
    if outcome == "withdraw":
        return {"outcome": outcome, "withdraw_ids": list(reply.withdraw), **said}
    return {"outcome": outcome, **said}


def error_got(exc: BaseException) -> dict[str, Any]:
    return {"outcome": "error", "error": f"{type(exc).__name__}: {exc}"}


def proposal_slots(p: Proposal, tz: tzinfo | None = None) -> dict[str, Any]:
    return {
        "kind": p.kind,
        "beneficiary": p.beneficiary.id if p.beneficiary else None,
        "access_like": _access_like(p),
        "entitlements": [i.entitlement_id for i in p.items],
        "identities": {i.entitlement_id: i.identity_id for i in p.items},
        "end": _end(p),
        "ends": {i.entitlement_id: _item_end(p, i, tz) for i in p.items},
        # a cap shortened the card's end, or the end of any one of its items
        "capped": bool(p.duration and p.duration.capped) or any(i.capped_by for i in p.items),
        "reason": p.reason,
        "justification": p.reason_text,
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


def _item_end(p: Proposal, item: ProposedItem, tz: tzinfo | None) -> str | None:
    """The item's own end (`ProposedItem.end`, ISO UTC, None = permanent) as a date in
    the org's timezone; a card whose items carry no end of their own: the card's end."""
    if "end" not in type(item).model_fields:
        return _end(p)
    end = item.end
    if end is None:
        return PERMANENT if p.kind != "revoke" else None
    if item.end_date is not None:
        return item.end_date  # its last day, as the card says it ("at the end of 31 Mar")
    when = datetime.fromisoformat(str(end).replace("Z", "+00:00"))
    return (when.astimezone(tz) if tz is not None else when).date().isoformat()
