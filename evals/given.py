"""A case's `given:` state: requests already submitted when its first turn is typed.

They go through the domain's own `submit` (the requester's act, outside the
conversation), so they are real pending requests with real approval steps: what
"what's pending?", "cancel my GitHub request" and the "already pending" check see.
Their ids are returned so the safety check does not count them as submitted by the bot.
"""

from __future__ import annotations

from datetime import datetime

from domain.ids import key
from domain.model.directory import Directory
from domain.model.durations import end_after
from domain.model.isoduration import parse_iso_duration
from domain.model.requests import NEW_ACCOUNT, AccessRequest, RequestItem, State
from domain.ports import FixedClock
from domain.store.memory import InMemoryUnitOfWork
from domain.usecases.submission import Draft, submit
from evals.cases import Given, GivenRequest
from tools.base import RequestLookup


def seed(uow: InMemoryUnitOfWork, directory: Directory, given: Given, now: datetime) -> set[str]:
    ids: set[str] = set()
    for n, wanted in enumerate(given.requests):
        draft = _draft(directory, wanted, now)
        made = submit(
            uow=uow,
            directory=directory,
            draft=draft,
            actor=wanted.requester,
            clock=FixedClock(now),
            idempotency_key=f"given-{n}",
        )
        ids.update(r.id for r in made)
    return ids


def _draft(directory: Directory, wanted: GivenRequest, now: datetime) -> Draft:
    beneficiary = wanted.beneficiary or wanted.requester
    items = []
    for ent_id in wanted.entitlements:
        ent = directory.entitlement(ent_id)
        app = directory.app_of.get(key(ent_id))
        if ent is None or app is None:
            raise ValueError(f"given request: unknown entitlement {ent_id!r}")
        own = directory.identities_in(beneficiary, app.id)
        identity = own[0].id if own else NEW_ACCOUNT
        items.append(RequestItem(entitlement_id=ent.id, app_id=app.id, identity_id=identity))
    permanent = wanted.duration.strip().casefold() == "permanent"
    end = (
        None
        if permanent
        else end_after(parse_iso_duration(wanted.duration), now=now, tz=directory.timezone)
    )
    return Draft(
        requester=wanted.requester,
        beneficiary=beneficiary,
        items=items,
        end=end,
        requested_end=end,
        permanent_requested=permanent,
        reason=wanted.reason or directory.reasons[-1],
        comment=wanted.justification,
    )


class UowRequests(RequestLookup):
    """The run's store as the tools' request lookup (pending answers, withdraw, extend)."""

    def __init__(self, uow: InMemoryUnitOfWork) -> None:
        self.uow = uow

    def open_involving(self, person_id: str) -> list[AccessRequest]:
        who = person_id.casefold()
        with self.uow:
            found = [
                r
                for s in (State.SUBMITTED, State.APPROVED, State.FULFILLING)
                for r in self.uow.requests.in_state(s.value, limit=1_000_000)
            ]
        mine = [r for r in found if who in (r.requester.casefold(), r.beneficiary.casefold())]
        return sorted(mine, key=lambda r: r.created_at)

    def get(self, request_id: str) -> AccessRequest | None:
        with self.uow:
            return self.uow.requests.get(request_id)
