"""An in-memory unit of work with real transaction semantics, for tests and evals.

Work happens on copies; `commit` publishes them, `rollback` (or leaving the block
without committing) throws them away. It honours the same contract as the SQL store
(`tests/integration/test_store_contract.py` runs both).
"""

from __future__ import annotations

import copy
import uuid
from collections.abc import Collection, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from types import TracebackType
from typing import Self

from domain.errors import ConcurrentUpdate, DomainError
from domain.ids import key
from domain.model.audit_chain import ChainHead, chained
from domain.model.org import HeldGrant, Identity, OrgData
from domain.model.requests import OPEN_STATES, TIMED_KINDS, AccessRequest, AuditEvent, State
from domain.ports import (
    AuditLog,
    Cards,
    DeadJobs,
    IdempotencyKeys,
    Inbox,
    Job,
    Leases,
    MessageAt,
    NewJob,
    OrgRepository,
    Outbox,
    RequestRepository,
    ShownCard,
    SyncReport,
)
from domain.store.memory_cards import MemoryCards
from domain.store.memory_outbox import DeliveryRow, MemoryOutbox
from domain.store.snapshot import diff_org, org_rows, sync_report


@dataclass
class _State:
    requests: dict[str, AccessRequest] = field(default_factory=dict)
    audit: list[AuditEvent] = field(default_factory=list)
    org: OrgData | None = None
    org_version: int = 0
    keys: dict[str, datetime] = field(default_factory=dict)
    jobs: list[_JobRow] = field(default_factory=list)
    job_seq: int = 0  # ids are never reused, as with the SQL sequence
    leases: dict[str, tuple[str, datetime]] = field(default_factory=dict)
    deliveries: list[DeliveryRow] = field(default_factory=list)
    cards: dict[str, ShownCard] = field(default_factory=dict)


@dataclass
class _JobRow:
    """One inbox row, as the SQL table keeps it."""

    id: int
    key: str
    kind: str
    payload: str
    received_at: datetime
    available_at: datetime
    lane: str = ""
    attempts: int = 0
    leased_until: datetime | None = None
    done_at: datetime | None = None
    error: str | None = None
    token: str = ""
    dead_at: datetime | None = None
    reply: MessageAt | None = None


class _Requests:
    def __init__(self, state: _State) -> None:
        self._s = state

    def add(self, request: AccessRequest) -> None:
        self._s.requests[request.id] = request.model_copy(deep=True)

    def get(self, request_id: str) -> AccessRequest | None:
        found = self._s.requests.get(request_id)
        return found.model_copy(deep=True) if found else None

    def many(self, request_ids: Collection[str]) -> list[AccessRequest]:
        return [r for rid in request_ids if (r := self.get(rid)) is not None]

    def save(self, request: AccessRequest) -> None:
        stored = self._s.requests.get(request.id)
        if stored is None or stored.version != request.version:
            raise ConcurrentUpdate(f"request {request.id} changed underneath; try again")
        request.version += 1
        self._s.requests[request.id] = request.model_copy(deep=True)

    def save_many(self, batch: Sequence[AccessRequest]) -> None:
        for request in batch:
            self.save(request)

    def _all(self) -> list[AccessRequest]:
        return sorted(
            (r.model_copy(deep=True) for r in self._s.requests.values()),
            key=lambda r: (r.created_at, r.id),
        )

    def by_idempotency_key(self, key_: str) -> list[AccessRequest]:
        return [r for r in self._all() if r.idempotency_key == key_]

    def open_for(self, beneficiary: str) -> list[AccessRequest]:
        return [r for r in self._all() if key(r.beneficiary) == key(beneficiary) and r.is_open]

    def awaiting(self, approver: str) -> list[AccessRequest]:
        out = []
        for r in self._all():
            step = r.current_step
            if r.state is State.SUBMITTED and step and key(approver) in map(key, step.approvers):
                out.append(r)
        return out

    def by_requester(self, requester: str, *, open_only: bool = False) -> list[AccessRequest]:
        return [
            r
            for r in self._all()
            if key(requester) in (key(r.requester), key(r.beneficiary))
            and (r.is_open or not open_only)
        ]

    def in_state(self, state: str, *, limit: int = 500) -> list[AccessRequest]:
        return [r for r in self._all() if r.state.value == state][:limit]

    def due_for_expiry(self, now: datetime) -> list[AccessRequest]:
        return [
            r
            for r in self._all()
            if r.state is State.FULFILLED
            and r.kind in TIMED_KINDS
            and r.end is not None
            and r.end <= now
        ]


class _Audit:
    def __init__(self, state: _State) -> None:
        self._s = state

    def append(self, event: AuditEvent) -> None:
        """Chained at once: this store has one writer, so its work order is commit order."""
        linked = chained(event, self.head())
        self._s.audit.append(linked.model_copy(update={"id": linked.seq}))

    def for_request(self, request_id: str) -> list[AuditEvent]:
        return [e for e in self._s.audit if e.request_id == request_id]

    def since(
        self,
        after: int = 0,
        *,
        limit: int = 1000,
        request_id: str | None = None,
        at_from: datetime | None = None,
        action: str | None = None,
    ) -> list[AuditEvent]:
        return [
            e
            for e in self._s.audit
            if (e.seq or 0) > after
            and (request_id is None or e.request_id == request_id)
            and (at_from is None or e.at >= at_from)
            and (action is None or e.action == action)
        ][:limit]

    def head(self) -> ChainHead:
        last = self._s.audit[-1] if self._s.audit else None
        return ChainHead(last.seq or 0, last.hash or "") if last else ChainHead()

    def unchained(self, *, limit: int = 10) -> list[AuditEvent]:
        return []


class _Org:
    def __init__(self, state: _State) -> None:
        self._s = state

    def load(self) -> OrgData | None:
        return self._s.org.model_copy(deep=True) if self._s.org else None

    def replace(self, data: OrgData) -> SyncReport:
        before = org_rows(self._s.org) if self._s.org else {}
        diffs = diff_org(before, org_rows(data))
        self._s.org = data.model_copy(deep=True)
        if any(d.changed for d in diffs.values()):
            self._s.org_version += 1
        return sync_report(diffs)

    def version(self) -> int:
        return self._s.org_version

    def _identity(self, identity_id: str) -> Identity:
        assert self._s.org is not None, "no org loaded"
        for ident in self._s.org.identities:
            if key(ident.id) == key(identity_id):
                return ident
        raise DomainError(f"no identity {identity_id}", code="unknown_identity")

    def add_grant(self, identity_id: str, entitlement_id: str, expires: datetime | None) -> None:
        ident = self._identity(identity_id)
        ident.grants = [g for g in ident.grants if key(g.entitlement) != key(entitlement_id)]
        ident.grants.append(HeldGrant(entitlement=entitlement_id, expires=expires))
        self._s.org_version += 1

    def remove_grant(self, identity_id: str, entitlement_id: str) -> None:
        ident = self._identity(identity_id)
        ident.grants = [g for g in ident.grants if key(g.entitlement) != key(entitlement_id)]
        self._s.org_version += 1

    def remove_grants(self, grants: Sequence[tuple[str, str]]) -> None:
        for identity_id, entitlement_id in grants:
            self.remove_grant(identity_id, entitlement_id)

    def add_identity(self, identity: Identity) -> None:
        assert self._s.org is not None, "no org loaded"
        if any(key(i.id) == key(identity.id) for i in self._s.org.identities):
            raise DomainError(f"account {identity.id} exists already", code="duplicate_identity")
        self._s.org.identities.append(identity.model_copy(deep=True))
        self._s.org_version += 1


class _Keys:
    def __init__(self, state: _State) -> None:
        self._s = state

    def claim(self, key_: str, at: datetime) -> bool:
        if key_ in self._s.keys:
            return False
        self._s.keys[key_] = at
        return True

    def release(self, key_: str) -> None:
        self._s.keys.pop(key_, None)


class _Inbox:
    def __init__(self, state: _State) -> None:
        self._s = state

    def put(
        self, key_: str, kind: str, payload: str, at: datetime, *, lane: str | None = None
    ) -> bool:
        if any(j.key == key_ for j in self._s.jobs):
            return False
        self._s.job_seq += 1
        row = _JobRow(self._s.job_seq, key_, kind, payload, at, available_at=at, lane=lane or key_)
        self._s.jobs.append(row)
        return True

    def put_many(self, jobs: Sequence[NewJob], at: datetime) -> set[str]:
        return {j.key for j in jobs if self.put(j.key, j.kind, j.payload, at, lane=j.lane)}

    def claim(self, *, at: datetime, lease: timedelta, limit: int) -> list[Job]:
        claimed: list[Job] = []
        heads: dict[str, _JobRow] = {}  # the oldest unfinished job of each lane
        for row in self._s.jobs:
            if row.done_at is None:
                heads.setdefault(row.lane, row)
        for row in sorted(heads.values(), key=lambda r: r.id):
            if len(claimed) >= limit:
                break
            if row.available_at <= at and not _leased(row, at):
                row.leased_until, row.attempts = at + lease, row.attempts + 1
                row.token = uuid.uuid4().hex
                claimed.append(_job(row))
        return claimed

    def renew(self, job_id: int, token: str, until: datetime) -> bool:
        row = self._row(job_id)
        if row.token != token or row.done_at is not None:
            return False
        row.leased_until = until
        return True

    def reply(self, job_id: int, message: MessageAt) -> None:
        self._row(job_id).reply = message

    def finish(self, job_id: int, at: datetime) -> None:
        row = self._row(job_id)
        row.done_at, row.leased_until = at, None

    def fail(self, job_id: int, at: datetime, error: str, *, retry_at: datetime | None) -> None:
        row = self._row(job_id)
        row.error, row.leased_until = error, None
        if retry_at is None:
            row.done_at = row.dead_at = at
        else:
            row.available_at = retry_at

    def dead(self) -> DeadJobs:
        dead = [j for j in self._s.jobs if j.dead_at is not None]
        if not dead:
            return DeadJobs(0)
        latest = max(dead, key=lambda j: (j.dead_at, j.id))
        return DeadJobs(len(dead), latest.key, latest.dead_at, latest.error)

    def waiting(self, at: datetime) -> int:
        return sum(1 for j in self._s.jobs if j.done_at is None)

    def purge(self, before: datetime) -> int:
        gone = [j for j in self._s.jobs if j.done_at is not None and j.done_at < before]
        self._s.jobs = [j for j in self._s.jobs if j not in gone]
        return len(gone)

    def _row(self, job_id: int) -> _JobRow:
        return next(j for j in self._s.jobs if j.id == job_id)


def _job(row: _JobRow) -> Job:
    return Job(
        row.id, row.key, row.kind, row.payload, row.received_at, row.attempts, row.token, row.reply
    )


def _leased(row: _JobRow, at: datetime) -> bool:
    return row.leased_until is not None and row.leased_until > at


class _Leases:
    def __init__(self, state: _State) -> None:
        self._s = state

    def acquire(self, name: str, holder: str, *, until: datetime, at: datetime) -> bool:
        current = self._s.leases.get(name)
        if current is not None and current[0] != holder and current[1] > at:
            return False
        self._s.leases[name] = (holder, until)
        return True

    def release(self, name: str, holder: str) -> None:
        current = self._s.leases.get(name)
        if current is not None and current[0] == holder:
            del self._s.leases[name]


class InMemoryUnitOfWork:
    requests: RequestRepository
    audit: AuditLog
    org: OrgRepository
    keys: IdempotencyKeys
    inbox: Inbox
    leases: Leases
    outbox: Outbox
    cards: Cards

    def __init__(self, org: OrgData | None = None) -> None:
        self._committed = _State(org=org, org_version=1 if org else 0)
        self._depth = 0
        self._bind(self._committed)

    def _bind(self, state: _State) -> None:
        self._work = state
        self.requests = _Requests(state)
        self.audit = _Audit(state)
        self.org = _Org(state)
        self.keys = _Keys(state)
        self.inbox = _Inbox(state)
        self.leases = _Leases(state)
        self.outbox = MemoryOutbox(state.deliveries)
        self.cards = MemoryCards(state.cards)

    def __enter__(self) -> Self:
        if self._depth == 0:
            self._bind(copy.deepcopy(self._committed))
        self._depth += 1
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self._depth -= 1
        if self._depth == 0:
            self.rollback()

    def commit(self) -> None:
        self._committed = copy.deepcopy(self._work)

    def rollback(self) -> None:
        self._bind(copy.deepcopy(self._committed))

    @property
    def committed_audit(self) -> list[AuditEvent]:
        return list(self._committed.audit)


__all__ = ["OPEN_STATES", "ConcurrentUpdate", "InMemoryUnitOfWork"]
