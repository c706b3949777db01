"""Submitting a confirmed proposal, deciding, and closing manual tasks, from any surface.

These are the only paths to submission and decisions. Each takes the acting person's
id as the surface authenticated it (a Slack user id mapped to a person, the chat's
current user) and lets the domain check it; none passes through the model.
"""

from __future__ import annotations

from datetime import datetime

from domain.model.requests import AccessLikeKind, AccessRequest, RequestItem, RequestKind, State
from domain.usecases.decisions import Changes, approve, reject
from domain.usecases.fulfillment import complete_task, fulfill
from domain.usecases.submission import Draft, cancel, submit
from slack_app.bootstrap import Runtime
from slack_app.services.picks import Picks, record_picks
from tools.base import PendingLookup
from tools.proposal_models import Proposal


class StorePending(PendingLookup):
    """Open requests in the store, for the tools' "already pending" check."""

    def __init__(self, runtime: Runtime) -> None:
        self.runtime = runtime

    def pending_for(self, beneficiary_id: str) -> set[str]:
        with self.runtime.uow() as uow:
            return {
                i.entitlement_id
                for r in uow.requests.open_for(beneficiary_id)
                for i in r.active_items
            }


def draft_from(proposal: Proposal, *, reason: str, comment: str = "") -> Draft:
    """The draft a card stands for: each item with its own end (the domain re-checks
    every one of them, so a card altered on its way back cannot ask for more)."""
    assert proposal.beneficiary is not None, "a ready proposal names its beneficiary"
    duration = proposal.duration
    like = proposal.access_like
    grant = proposal.kind == "grant"
    end = _instant(duration.end if duration else None)
    return Draft(
        kind=RequestKind(proposal.kind),
        requester=proposal.requester.id,
        beneficiary=proposal.beneficiary.id,
        access_like=AccessLikeKind(like.kind) if like else AccessLikeKind.CUSTOM,
        access_like_ref=like.ref if like else None,
        items=[
            RequestItem(entitlement_id=i.entitlement_id, app_id=i.app_id, identity_id=i.identity_id)
            for i in proposal.items
        ],
        end=end,
        # an item without its own end ends with the card (a card drawn before per-item
        # ends); the card's end is its loosest item's, so no item outlasts it
        item_ends={i.entitlement_id: _instant(i.end) for i in proposal.items if i.end and grant},
        permanent_requested=bool(duration and duration.permanent_requested),
        capped=bool(duration and duration.capped) or any(i.capped_by for i in proposal.items),
        reason=reason,
        comment=comment or (proposal.reason_text or ""),
    )


def _instant(text: str | None) -> datetime | None:
    return datetime.fromisoformat(text.replace("Z", "+00:00")) if text else None


def proposal_key(thread: str, proposal: Proposal) -> str:
    """One submission per shown card: a double click or a retry finds the same key."""
    return f"{thread}:{proposal.fingerprint()}"


def submit_proposal(
    runtime: Runtime,
    proposal: Proposal,
    *,
    actor: str,
    reason: str,
    key: str,
    picks: Picks | None = None,
) -> list[AccessRequest]:
    """Submit, then keep the requester's approver picks (checked, see `picks`)."""
    made = submit(
        uow=runtime.uow(),
        directory=runtime.directory(),
        draft=draft_from(proposal, reason=reason),
        actor=actor,
        clock=runtime.clock,
        idempotency_key=key,
    )
    if picks:
        record_picks(runtime, proposal, made, picks, actor=actor, key_=key)
    return made


def submitted_with(runtime: Runtime, key: str) -> list[AccessRequest]:
    """The requests a submission under `key` made (none: not submitted yet)."""
    with runtime.uow() as uow:
        return uow.requests.by_idempotency_key(key)


def decide(
    runtime: Runtime,
    request_id: str,
    *,
    actor: str,
    approved: bool,
    comment: str = "",
    changes: Changes | None = None,
    key: str | None = None,
) -> AccessRequest:
    """`key` names this click: written with the decision, so a repeat raises `Duplicate`."""
    if approved:
        request = approve(
            uow=runtime.uow(),
            request_id=request_id,
            approver=actor,
            clock=runtime.clock,
            comment=comment,
            changes=changes,
            idempotency_key=key,
        )
    else:
        request = reject(
            uow=runtime.uow(),
            request_id=request_id,
            approver=actor,
            clock=runtime.clock,
            comment=comment,
            idempotency_key=key,
        )
    if request.state is State.APPROVED:
        request = fulfill(uow=runtime.uow(), request_id=request_id, clock=runtime.clock)
    return request


def withdraw(runtime: Runtime, request_id: str, *, actor: str) -> AccessRequest:
    """The requester takes back an open request before it is set up (the domain checks
    both). The Slack edge then updates the approvers' messages (`notify.withdrawn`)."""
    return cancel(
        uow=runtime.uow(),
        request_id=request_id,
        actor=actor,
        clock=runtime.clock,
    )


def close_task(
    runtime: Runtime,
    request_id: str,
    *,
    actor: str,
    success: bool,
    note: str = "",
    username: str | None = None,
) -> AccessRequest:
    return complete_task(
        uow=runtime.uow(),
        directory=runtime.directory(),
        request_id=request_id,
        actor=actor,
        clock=runtime.clock,
        success=success,
        note=note,
        username=username,
    )
