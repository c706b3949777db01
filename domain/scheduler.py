"""What the scheduler does on each tick: take away access whose time is up, and find
access about to end, so the edge can tell the people who hold it.

Everything is read from the store and nothing is remembered in the process, so a
restart, a missed tick or a second replica neither loses nor repeats anything:

- Expiry is a state change (fulfilled → expired) under the request's version, so only
  one process can make it (`domain.expiry`). Its "expired" notice is claimed as well,
  with the idempotency key `expiry:expired:<id>`, so exactly one process owns it.
- A warning changes no state, so it is claimed with the key
  `expiry:warn:<id>:<end in UTC>`. A key, not an audit event: the keys table's primary
  key makes the claim an atomic test-and-set, where two replicas that both read
  "no warning event yet" would both append one and both warn. The end is part of the
  key, so access whose end moves later is warned about again.

A key is claimed before the message goes out: a crash between the two loses that one
message (at most once) instead of sending it twice; sending is retried at the edge.
Access granted when its end was already inside the window gets no warning: the
"granted" notice, which says when it ends, came moments before.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from domain.expiry import expire_due
from domain.ports import Clock, Connectors, UnitOfWork
from domain.requests import AccessRequest


@dataclass(frozen=True)
class TickReport:
    """What this process must tell people about: each request is in one report, ever."""

    expired: list[AccessRequest] = field(default_factory=list)
    expiring: list[AccessRequest] = field(default_factory=list)


def tick(
    *, uow: UnitOfWork, connectors: Connectors, clock: Clock, warn_before: timedelta
) -> TickReport:
    expired = expire_due(uow=uow, connectors=connectors, clock=clock)
    now = clock.now()
    return TickReport(
        expired=_claim(uow, expired, now, expired_key),
        expiring=_claim(uow, ending_soon(uow, now, warn_before), now, warning_key),
    )


def ending_soon(uow: UnitOfWork, now: datetime, warn_before: timedelta) -> list[AccessRequest]:
    """Granted temporary access that ends after `now` but within `warn_before`."""
    with uow:
        due = uow.requests.due_for_expiry(now + warn_before)
    return [
        r
        for r in due
        if r.end is not None
        and r.end > now
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
