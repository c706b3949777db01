"""Which eligible approver the requester asked to review a step ("approver picks").

A pick never changes who may approve: the domain's eligibility stays the step's
whole approver list. It only decides who is DM'd (and reminded) for that step. Picks
arrive as `(route group, step) -> person` from the card; each is checked against the
step's approvers of the request actually submitted, and kept as an audit event:
`request.approver_picked` when eligible, `request.approver_pick_refused` otherwise (a
forged or stale value is evidence, never trusted). Any replica reads them back.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime

from domain.ids import key
from domain.model.directory import Directory
from domain.model.requests import AccessRequest, ApprovalStep, AuditEvent
from slack_app.bootstrap import Runtime
from tools.proposal_models import Proposal

APPROVER_PICKED = "request.approver_picked"
APPROVER_PICK_REFUSED = "request.approver_pick_refused"

Picks = Mapping[tuple[int, int], str]


def pick_events(
    proposal: Proposal, made: list[AccessRequest], picks: Picks, *, actor: str, at: datetime
) -> list[AuditEvent]:
    """One audit event per pick, picked or refused, against the submitted requests."""
    events = []
    for (group, index), person in sorted(picks.items()):
        request = _request_of(proposal, made, group)
        approver = _approver(proposal, request, group, index, person) if request else None
        events.append(
            AuditEvent(
                at=at,
                actor=actor,
                action=APPROVER_PICKED if approver else APPROVER_PICK_REFUSED,
                request_id=request.id if request else None,
                data={"step": index, "person": approver or person, "group": group},
            )
        )
    return events


def record_picks(
    runtime: Runtime,
    proposal: Proposal,
    made: list[AccessRequest],
    picks: Picks,
    *,
    actor: str,
    key_: str,
) -> None:
    """Append the picks' events once per submission (`key_`): a retry adds nothing."""
    events = pick_events(proposal, made, picks, actor=actor, at=runtime.clock.now())
    with runtime.uow() as uow:
        if not events or not uow.keys.claim(f"approver_picks:{key_}", runtime.clock.now()):
            return
        for event in events:
            uow.audit.append(event)
        uow.commit()


def asked(runtime: Runtime, request_id: str) -> dict[int, str]:
    """Step index -> the approver the requester picked for it (validated at submission)."""
    with runtime.uow() as uow:
        events = uow.audit.for_request(request_id)
    return {
        int(step): str(e.data.get("person"))
        for e in events
        if e.action == APPROVER_PICKED and isinstance(step := e.data.get("step"), int)
    }


def still_asked(directory: Directory, step: ApprovalStep, person: str | None) -> str | None:
    """The pick while it still holds: an approver of the step and an active person."""
    found = directory.person(person) if person else None
    if found is None or not found.active:
        return None
    return next((a for a in step.approvers if key(a) == key(found.id)), None)


def _request_of(proposal: Proposal, made: list[AccessRequest], group: int) -> AccessRequest | None:
    if not 0 <= group < len(proposal.routes):
        return None
    wanted = {key(e) for e in proposal.routes[group].entitlement_ids}
    return next((r for r in made if any(key(i.entitlement_id) in wanted for i in r.items)), None)


def _approver(
    proposal: Proposal, request: AccessRequest, group: int, index: int, person: str
) -> str | None:
    """The approver `person` names, if eligible for step `index` as shown and submitted."""
    shown = proposal.routes[group].steps
    if not 0 <= index < min(len(shown), len(request.steps)):
        return None
    step = request.steps[index]
    if step.rule != shown[index].rule:
        return None
    return next((a for a in step.approvers if key(a) == key(person)), None)
