"""Submitting a confirmed draft, and cancelling a request.

Submission is the requester's own act (their click on the confirmation card). The
draft is checked again here against the current org, whatever the card said:
who may ask for whom, requestable and not already held, nothing already pending,
a known reason, each item's own end in the future and within every cap on it. Items
are grouped by approval route and end, and each group becomes one request with one
linear chain of steps and one end.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field

from domain.errors import DomainError, NotAllowed
from domain.ids import key
from domain.model.caps import cap_for
from domain.model.directory import Directory
from domain.model.durations import end_after
from domain.model.extension import check_extension
from domain.model.foureyes import needs_four_eyes
from domain.model.lifecycle import load, record, transition
from domain.model.policy import RouteStep, approval_route, check_on_behalf, check_revoke
from domain.model.requests import (
    AccessLikeKind,
    AccessRequest,
    ApprovalStep,
    RequestItem,
    RequestKind,
    State,
)
from domain.ports import Clock, UnitOfWork


class Draft(BaseModel):
    """What the confirmation card showed, as the requester confirmed it."""

    model_config = ConfigDict(extra="forbid")

    def end_of(self, entitlement_id: str) -> datetime | None:
        """This item's end: its own when the card gave one, else the draft's."""
        for ent_id, end in self.item_ends.items():
            if key(ent_id) == key(entitlement_id):
                return end
        return self.end

    kind: RequestKind = RequestKind.GRANT
    requester: str
    beneficiary: str
    access_like: AccessLikeKind = AccessLikeKind.CUSTOM
    access_like_ref: str | None = None
    items: list[RequestItem] = Field(min_length=1)
    end: datetime | None = None
    item_ends: dict[str, datetime | None] = Field(
        default_factory=dict,
        description="Entitlement id -> that item's own end (None = permanent), over `end`.",
    )
    requested_end: datetime | None = None
    permanent_requested: bool = False
    capped: bool = False
    reason: str
    comment: str = ""


def new_request_id() -> str:
    return "AR-" + uuid.uuid4().hex[:8].upper()


def submit(
    *,
    uow: UnitOfWork,
    directory: Directory,
    draft: Draft,
    actor: str,
    clock: Clock,
    idempotency_key: str | None = None,
    new_id: Callable[[], str] = new_request_id,
) -> list[AccessRequest]:
    """Create the requests for a draft. A repeated key returns the first submission's.

    The key is also claimed in the keys table, in this transaction: two processes that
    both find no request under it cannot both create one (the loser waits for the
    winner's commit, then returns its requests), and a refused draft leaves it free."""
    now = clock.now()
    with uow:
        if idempotency_key and (done := uow.requests.by_idempotency_key(idempotency_key)):
            return done
        if idempotency_key and not uow.keys.claim(f"submission:{idempotency_key}", now):
            return uow.requests.by_idempotency_key(idempotency_key)
        if key(actor) != key(draft.requester):
            raise NotAllowed("only the requester can submit their own request")
        check_draft(uow, directory, draft, now)
        created = []
        for steps, end, items in _groups(directory, draft):
            request = _build(draft, items, steps, end, now=now, request_id=new_id())
            request.idempotency_key = idempotency_key
            request.four_eyes = needs_four_eyes(directory, [i.entitlement_id for i in items])
            transition(request, State.SUBMITTED, at=now)
            uow.requests.add(request)
            record(
                uow,
                at=now,
                actor=actor,
                action="request.submitted",
                request=request,
                items=[i.entitlement_id for i in items],
                approvers=[s.approvers for s in steps],
                reason=draft.reason,
                justification=draft.comment or None,
                four_eyes=request.four_eyes or None,
            )
            created.append(request)
        uow.commit()
    return created


def check_draft(uow: UnitOfWork, directory: Directory, draft: Draft, now: datetime) -> None:
    """Every rule again, per item with its own end: what the card said is a wish (rule 8)."""
    if draft.kind is RequestKind.REVOKE:
        apps = sorted({i.app_id for i in draft.items})
        check_revoke(directory, draft.requester, draft.beneficiary, apps)
    else:
        check_on_behalf(directory, draft.requester, draft.beneficiary)
    if draft.reason not in directory.reasons:
        raise DomainError(
            f'"{draft.reason}" is not one of the reasons: ' + ", ".join(directory.reasons),
            code="bad_reason",
        )
    _check_shape(draft)
    if draft.end is not None and draft.end <= now:
        raise DomainError("the end of the access is in the past", code="end_in_past")
    held = directory.held_by(draft.beneficiary, at=now)
    pending = {
        i.entitlement_id for r in uow.requests.open_for(draft.beneficiary) for i in r.active_items
    }
    for item in draft.items:
        _check_item(directory, draft, item, held, pending)
        if draft.kind is not RequestKind.REVOKE:
            _check_end(directory, item.entitlement_id, draft.end_of(item.entitlement_id), now)
    if draft.kind is RequestKind.EXTEND:
        check_extension(directory, draft.beneficiary, draft.items, draft.end, now)


def _check_shape(draft: Draft) -> None:
    """One item per entitlement, and an item end only for an item of the draft."""
    ids = [key(i.entitlement_id) for i in draft.items]
    if len(set(ids)) != len(ids):
        raise DomainError("an entitlement appears twice in the draft", code="duplicate_item")
    stray = [e for e in draft.item_ends if key(e) not in ids]
    if stray:
        raise DomainError(f"an end for an item not in the draft: {stray[0]}", code="bad_item_end")


def _check_end(
    directory: Directory, entitlement_id: str, end: datetime | None, now: datetime
) -> None:
    """The item's end is in the future and within each of its caps, counted from now.
    The card counted from when it was shown, a moment earlier, so a card the rules
    allowed still passes."""
    if end is not None and end <= now:
        raise DomainError("the end of the access is in the past", code="end_in_past")
    cap = cap_for(directory, [entitlement_id], permanent=end is None, now=now)
    if cap is None:
        return
    if end is None:
        raise DomainError(f"{cap.describe()}: it can't be permanent", code="over_cap")
    if end > end_after(cap.length, now=now, tz=directory.timezone):
        raise DomainError(f"{cap.describe()}: the end is past it", code="over_cap")


def _check_item(
    directory: Directory, draft: Draft, item: RequestItem, held: set[str], pending: set[str]
) -> None:
    ent = directory.entitlement(item.entitlement_id)
    app = directory.app_of.get(key(item.entitlement_id))
    if ent is None or app is None:
        raise DomainError(
            f'unknown entitlement "{item.entitlement_id}"', code="unknown_entitlement"
        )
    if draft.kind is RequestKind.GRANT and not app.requestable:
        raise DomainError(f"{app.name} access cannot be requested here", code="not_requestable")
    is_held = ent.id in held
    if draft.kind is RequestKind.GRANT and is_held:
        raise DomainError(f"{app.name} {ent.name} is already held", code="already_held")
    if draft.kind is not RequestKind.GRANT and not is_held:
        raise DomainError(f"{app.name} {ent.name} is not held", code="not_held")
    if ent.id in pending:
        raise DomainError(
            f"{app.name} {ent.name} already has an open request", code="already_pending"
        )
    if item.identity_id != "new":
        ident = directory.identities.get(key(item.identity_id))
        if (
            ident is None
            or key(ident.app) != key(app.id)
            or (ident.person is None or key(ident.person) != key(draft.beneficiary))
        ):
            raise DomainError(
                f'"{item.identity_id}" is not an account of the beneficiary in {app.name}',
                code="bad_identity",
            )
    elif not app.can_create_accounts or draft.kind is not RequestKind.GRANT:
        raise DomainError(
            f"{app.name} cannot create a new account from a request", code="no_account"
        )


def _groups(
    directory: Directory, draft: Draft
) -> list[tuple[list[RouteStep], datetime | None, list[RequestItem]]]:
    """One request per (approval route, end): a request has one chain and one end."""
    groups: dict[tuple[tuple[RouteStep, ...], datetime | None], list[RequestItem]] = {}
    for item in draft.items:
        route = approval_route(
            directory,
            item.entitlement_id,
            requester_id=draft.requester,
            beneficiary_id=draft.beneficiary,
        )
        end = draft.end_of(item.entitlement_id) if draft.kind is RequestKind.GRANT else draft.end
        groups.setdefault((tuple(route), end), []).append(item)
    return [(list(route), end, items) for (route, end), items in groups.items()]


def _build(
    draft: Draft,
    items: list[RequestItem],
    steps: list[RouteStep],
    end: datetime | None,
    *,
    now: datetime,
    request_id: str,
) -> AccessRequest:
    fields = draft.model_dump(exclude={"items", "item_ends", "end"})
    if end != draft.end:
        fields["capped"] = True  # an item's own cap cut it below the card's end
    return AccessRequest(
        id=request_id,
        created_at=now,
        updated_at=now,
        items=[i.model_copy() for i in items],
        end=end,
        steps=[
            ApprovalStep(index=n, rule=s.rule, approvers=list(s.approvers), note=s.note)
            for n, s in enumerate(steps)
        ],
        **fields,
    )


def cancel(
    *, uow: UnitOfWork, request_id: str, actor: str, clock: Clock, comment: str = ""
) -> AccessRequest:
    """Only the requester cancels, and only before fulfillment starts."""
    now = clock.now()
    with uow:
        request = load(uow, request_id)
        if key(actor) != key(request.requester):
            raise NotAllowed("only the requester can cancel this request")
        transition(request, State.CANCELLED, at=now)
        request.comment = comment or request.comment
        uow.requests.save(request)
        record(
            uow,
            at=now,
            actor=actor,
            action="request.cancelled",
            request=request,
            comment=comment or None,
        )
        uow.commit()
    return request
