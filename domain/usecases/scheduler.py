"""What the scheduler does on each tick: take away access whose time is up, find access
about to end (so the edge can tell the people who hold it), start approved requests
whose fulfilment never started (connector calls are the outbox worker's), and remind or
escalate unanswered approval steps (`domain.usecases.followups`).

Everything is read from the store and nothing is remembered in the process, so a
restart, a missed tick or a second replica neither loses nor repeats anything:

- Expiry is a state change (fulfilled → expired) under the request's version, so only
  one process can make it (`domain.usecases.expiry`). Its "expired" notice is claimed as well,
  with the idempotency key `expiry:expired:<id>`, so exactly one process owns it.
- A warning changes no state, so it is claimed with the key
  `expiry:warn:<id>:<end in UTC>`. A key, not an audit event: the keys table's primary
  key makes the claim an atomic test-and-set, where two replicas that both read
  "no warning event yet" would both append one and both warn. The end is part of the
  key, so access whose end moves later is warned about again.

- An approved request whose fulfilment never started (its process died between the
  approval and queueing its items in the outbox) is started after RESUME_AFTER; only
  requests approved that long ago, so a handler that is about to fulfil one is never
  raced, and under the key `resume:<id>:<approval time>`, written in the same
  transaction as approved → fulfilling (rule 6), so one process does it and a failed
  attempt is tried again.

A notice's key means "this notice is being or was sent": it is claimed before the
message goes out, so a crash between the two loses that one message (at most once)
instead of sending it twice; sending is retried at the edge. When the edge could not
deliver a warning at all it releases the warning's key, so the next tick warns again.
An expiry notice is not retried that way (no later tick finds the request again).
Access granted when its end was already inside the window gets no warning: the
"granted" notice, which says when it ends, came moments before.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from domain.errors import DomainError
from domain.model.directory import Directory
from domain.model.requests import AccessRequest, ItemStatus, State
from domain.ports import Clock, UnitOfWork
from domain.usecases.expiry import expire_due
from domain.usecases.followups import FollowUp, follow_up
from domain.usecases.fulfillment import fulfill

RESUME_AFTER = timedelta(minutes=5)


@dataclass(frozen=True)
class TickReport:
    """What this process must tell people about: each request is in one report, ever."""

    expired: list[AccessRequest] = field(default_factory=list)
    expiring: list[AccessRequest] = field(default_factory=list)
    resumed: list[AccessRequest] = field(default_factory=list)  # fulfilment started late
    followups: list[FollowUp] = field(default_factory=list)  # approvers reminded, escalated


def tick(
    *, uow: UnitOfWork, clock: Clock, warn_before: timedelta, directory: Directory | None = None
) -> TickReport:
    """`directory`: the org, for chasing unanswered approvers (`domain.usecases.followups`)."""
    expired = expire_due(uow=uow, clock=clock)
    now = clock.now()
    return TickReport(
        expired=_claim(uow, expired, now, expired_key),
        expiring=_claim(uow, ending_soon(uow, now, warn_before), now, warning_key),
        resumed=resume_stalled(uow=uow, clock=clock),
        followups=follow_up(uow=uow, directory=directory, clock=clock) if directory else [],
    )


def resume_stalled(
    *, uow: UnitOfWork, clock: Clock, after: timedelta = RESUME_AFTER
) -> list[AccessRequest]:
    """Queue the items of requests approved at least `after` ago and never started."""
    now = clock.now()
    with uow:
        approved = uow.requests.in_state(State.APPROVED.value)
    stalled = [r for r in approved if r.decided_at is None or r.decided_at <= now - after]
    resumed = []
    for request in stalled:
        try:
            resumed.append(
                fulfill(uow=uow, request_id=request.id, clock=clock, once=resume_key(request))
            )
        except DomainError:  # e.g. cancelled, or taken by another process meanwhile
            continue
    return resumed


def resume_key(request: AccessRequest) -> str:
    decided = request.decided_at.astimezone(UTC).isoformat() if request.decided_at else ""
    return f"resume:{request.id}:{decided}"


def ending_soon(uow: UnitOfWork, now: datetime, warn_before: timedelta) -> list[AccessRequest]:
    """Granted temporary access that ends after `now` but within `warn_before`."""
    with uow:
        due = uow.requests.due_for_expiry(now + warn_before)
    return [
        r
        for r in due
        if r.end is not None
        and r.end > now
        and any(i.status is ItemStatus.DONE for i in r.items)
        and (r.fulfilled_at is None or r.fulfilled_at < r.end - warn_before)
    ]


def expired_key(request: AccessRequest) -> str:
    return f"expiry:expired:{request.id}"


def warning_key(request: AccessRequest) -> str:
    end = request.end.astimezone(UTC).isoformat() if request.end else "permanent"
    return f"expiry:warn:{request.id}:{end}"


def _claim(
    uow: UnitOfWork,
    requests: list[AccessRequest],
    now: datetime,
    key_of: Callable[[AccessRequest], str],
) -> list[AccessRequest]:
    """The requests whose key this process claimed first (all in one transaction)."""
    if not requests:
        return []
    with uow:
        fresh = [r for r in requests if uow.keys.claim(key_of(r), now)]
        uow.commit()
    return fresh
