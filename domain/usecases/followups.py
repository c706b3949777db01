"""Chasing approvers who don't answer: a reminder, then an escalation, each once per step.

Run on every scheduler tick. Each follow-up is one transaction holding its idempotency
key (`followup:<kind>:<request>:<step>`), its audit event (`request.reminded`,
`request.escalated`) and, for an escalation, the step's new approvers: so across
restarts, missed ticks and replicas each is made exactly once, and the messages that
announce it are sent by the process that made it (after the commit; a crash between
the two loses those messages, never repeats them). An escalation due before its
reminder was ever made (nothing ran for days) uses up the reminder too.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from domain.errors import DomainError
from domain.ids import key
from domain.model.directory import Directory
from domain.model.followup import FollowUpKind, due, escalation_targets, waiting_since
from domain.model.foureyes import run_of
from domain.model.lifecycle import load, record
from domain.model.requests import AccessRequest, State
from domain.ports import Clock, UnitOfWork

SYSTEM = "system"


@dataclass(frozen=True)
class FollowUp:
    """One reminder or escalation made: what the edge must say, and to whom."""

    kind: FollowUpKind
    request: AccessRequest
    step: int  # the index of the step chased
    to: tuple[str, ...]  # reminded: the step's approvers; escalated: the people added or told
    since: datetime


def followup_key(kind: FollowUpKind, request_id: str, step: int) -> str:
    return f"followup:{kind.value}:{request_id}:{step}"


def follow_up(*, uow: UnitOfWork, directory: Directory, clock: Clock) -> list[FollowUp]:
    """Make every reminder and escalation due now; the ones this process made."""
    now = clock.now()
    with uow:
        waiting = uow.requests.in_state(State.SUBMITTED.value)
    made = []
    for request in waiting:
        kind = due(request, directory, now)
        if kind is None:
            continue
        try:
            done = _make(uow, directory, request.id, kind, now)
        except DomainError:
            continue  # decided or changed meanwhile: the next tick looks again
        if done is not None:
            made.append(done)
    return made


def _make(
    uow: UnitOfWork, directory: Directory, request_id: str, kind: FollowUpKind, now: datetime
) -> FollowUp | None:
    with uow:
        request = load(uow, request_id)
        step = request.current_step
        since = waiting_since(request)
        if request.state is not State.SUBMITTED or step is None or since is None:
            return None
        if not uow.keys.claim(followup_key(kind, request.id, step.index), now):
            return None
        to = tuple(step.approvers)
        if kind is FollowUpKind.ESCALATION:
            uow.keys.claim(followup_key(FollowUpKind.REMINDER, request.id, step.index), now)
            told, added = escalation_targets(directory, request, step)
            for same in run_of(request, step):  # the run stays one run
                same.approvers.extend(a for a in added if key(a) not in map(key, same.approvers))
            request.updated_at = now
            uow.requests.save(request)
            to = tuple(told)
        action = "request.reminded" if kind is FollowUpKind.REMINDER else "request.escalated"
        record(
            uow,
            at=now,
            actor=SYSTEM,
            action=action,
            request=request,
            step=step.index,
            to=list(to),
            waiting_since=since.isoformat(),
        )
        uow.commit()
    return FollowUp(kind=kind, request=request, step=step.index, to=to, since=since)
