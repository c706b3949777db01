"""The ports the domain talks through: clock, storage, connectors.

Adapters live in `domain/store/` (SQLAlchemy), `domain/store/memory.py` (in-memory, for
tests and the eval runner) and `domain/connectors/`.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from enum import StrEnum
from types import TracebackType
from typing import NamedTuple, Protocol, Self

from domain.model.audit_chain import ChainHead
from domain.model.org import Identity, OrgData
from domain.model.requests import AccessRequest, AuditEvent, RequestItem


class Clock(Protocol):
    def now(self) -> datetime:
        """An aware datetime (UTC)."""
        ...


class SystemClock:
    """The only place the wall clock is read; injected at the composition root."""

    def now(self) -> datetime:
        return datetime.now(UTC)


@dataclass
class FixedClock:
    """A clock for tests and evals that moves only when told to."""

    current: datetime

    def now(self) -> datetime:
        return self.current

    def advance(self, **delta: float) -> None:
        from datetime import timedelta

        self.current = self.current + timedelta(**delta)


@dataclass(frozen=True)
class SyncReport:
    """What an org import changed, per table: added, updated, removed."""

    changes: dict[str, tuple[int, int, int]] = field(default_factory=dict)

    def summary(self) -> str:
        parts = [
            f"{table}: +{a} ~{u} -{r}" for table, (a, u, r) in self.changes.items() if a or u or r
        ]
        return "; ".join(parts) or "no changes"


class RequestRepository(Protocol):
    def add(self, request: AccessRequest) -> None: ...
    def get(self, request_id: str) -> AccessRequest | None: ...
    def many(self, request_ids: Collection[str]) -> list[AccessRequest]:
        """Those of `request_ids` that exist, in a few reads (a batch's requests)."""
        ...

    def save(self, request: AccessRequest) -> None:
        """Persist changes; raise ConcurrentUpdate if `version` moved underneath."""
        ...

    def save_many(self, batch: Sequence[AccessRequest]) -> None:
        """`save` for each (distinct) request, in fewer statements."""
        ...

    def by_idempotency_key(self, key: str) -> list[AccessRequest]: ...
    def open_for(self, beneficiary: str) -> list[AccessRequest]: ...
    def awaiting(self, approver: str) -> list[AccessRequest]: ...
    def by_requester(self, requester: str, *, open_only: bool = False) -> list[AccessRequest]: ...
    def in_state(self, state: str, *, limit: int = 500) -> list[AccessRequest]: ...
    def due_for_expiry(self, now: datetime) -> list[AccessRequest]: ...


class AuditLog(Protocol):
    """The append-only trail, a hash chain (`domain.model.audit_chain`) in commit order."""

    def append(self, event: AuditEvent) -> None:
        """Add an event to this unit of work; it is chained and written as it commits."""
        ...

    def for_request(self, request_id: str) -> list[AuditEvent]: ...
    def since(
        self,
        after: int = 0,
        *,
        limit: int = 1000,
        request_id: str | None = None,
        at_from: datetime | None = None,
        action: str | None = None,
    ) -> list[AuditEvent]:
        """Rows with `seq` > `after` (and `action`, when given), in chain order. `seq` is
        given in commit order, so the last `seq` read is a watermark that misses nothing
        committed later."""
        ...

    def head(self) -> ChainHead:
        """The newest link, as the store recorded it."""
        ...

    def unchained(self, *, limit: int = 10) -> list[AuditEvent]:
        """Rows without a place in the chain (only ever written around the app)."""
        ...


class OrgRepository(Protocol):
    def load(self) -> OrgData | None: ...
    def replace(self, data: OrgData) -> SyncReport: ...
    def version(self) -> int:
        """Bumped on every change, so readers know when to rebuild their Directory."""
        ...

    def add_grant(
        self, identity_id: str, entitlement_id: str, expires: datetime | None
    ) -> None: ...
    def remove_grant(self, identity_id: str, entitlement_id: str) -> None: ...
    def remove_grants(self, grants: Sequence[tuple[str, str]]) -> None:
        """`remove_grant` for each (identity id, entitlement id), in a few statements."""
        ...

    def add_identity(self, identity: Identity) -> None: ...


class IdempotencyKeys(Protocol):
    def claim(self, key: str, at: datetime) -> bool:
        """True the first time a key is seen, False ever after (durable dedupe)."""
        ...

    def release(self, key: str) -> None:
        """Forget a key whose effect did not happen after all: only for a notice claimed
        before it was sent (outside any transaction) that could not be delivered."""
        ...


@dataclass(frozen=True)
class Job:
    """Work taken in now and done later by a worker (e.g. a Slack event, acked at once)."""

    id: int
    key: str  # unique: putting the same key twice keeps the first (Slack's retries)
    kind: str
    payload: str
    received_at: datetime
    attempts: int  # claims so far, this one included
    token: str = ""  # this claim's: only its holder may renew the lease
    reply: MessageAt | None = None  # what an earlier attempt already posted (see `Inbox.reply`)


class MessageAt(NamedTuple):
    """A message a job posted (its "Thinking…" placeholder), by channel and ts."""

    channel: str
    ts: str


@dataclass(frozen=True)
class DeadJobs:
    """Jobs given up on (the dead letters) still kept, and the latest one's error."""

    count: int
    latest_key: str | None = None
    latest_at: datetime | None = None
    latest_error: str | None = None


class NewJob(NamedTuple):
    key: str
    kind: str
    payload: str
    lane: str | None = None  # jobs in one lane run one at a time, in order (None: its own)


class Inbox(Protocol):
    """A durable work queue. At least once: a job claimed by a worker that dies is
    claimed again when its lease runs out; `finish` ends it, `fail` retries it later
    or gives up on it. Jobs in one lane (e.g. one Slack conversation) are claimed one at
    a time and in order, by whichever worker: a lane's next job waits until the one
    before it is finished or given up on."""

    def put(
        self, key: str, kind: str, payload: str, at: datetime, *, lane: str | None = None
    ) -> bool:
        """False when a job with this key was put before (done or not)."""
        ...

    def put_many(self, jobs: Sequence[NewJob], at: datetime) -> set[str]:
        """Put jobs in one statement; the keys that were new. A key given twice counts once."""
        ...

    def claim(self, *, at: datetime, lease: timedelta, limit: int) -> list[Job]:
        """Up to `limit` jobs, oldest first, each the oldest unfinished job of its lane,
        due and not leased; leased to the caller until `at + lease`. Two workers never
        get the same job, or two jobs of one lane, at once."""
        ...

    def renew(self, job_id: int, token: str, until: datetime) -> bool:
        """Extend the lease of a job still held under `token` (its worker's heartbeat);
        False when it is not (finished, or lapsed and claimed by another worker)."""
        ...

    def reply(self, job_id: int, message: MessageAt) -> None:
        """Remember what the job posted, so a later attempt (its worker died) updates
        that message instead of leaving it behind; later claims carry it."""
        ...

    def finish(self, job_id: int, at: datetime) -> None: ...

    def fail(self, job_id: int, at: datetime, error: str, *, retry_at: datetime | None) -> None:
        """Record the error; the job is due again at `retry_at`, or never (None): then
        it is a dead letter, done (its lane goes on) and counted by `dead`."""
        ...

    def waiting(self, at: datetime) -> int:
        """How many jobs are not done (due or leased)."""
        ...

    def dead(self) -> DeadJobs:
        """The dead letters not purged yet."""
        ...

    def purge(self, before: datetime) -> int:
        """Forget jobs finished or given up on before `before`; how many."""
        ...


class Leases(Protocol):
    """Named leases: mutual exclusion between processes that share the store (e.g. one
    agent turn per conversation at a time, whichever replica or worker runs it). A
    lease runs out at `until`, so a holder that died frees it by itself."""

    def acquire(self, name: str, holder: str, *, until: datetime, at: datetime) -> bool:
        """True when `holder` now holds `name` (it was free, lapsed, or already theirs)."""
        ...

    def release(self, name: str, holder: str) -> None:
        """Free `name` if `holder` holds it (a lapsed and re-taken lease is left alone)."""
        ...


class ShownCard(NamedTuple):
    """The message showing a conversation's current confirmation card."""

    message: MessageAt
    open: bool  # False once submitted or cancelled: it then shows the outcome, not a card
    unticked: tuple[str, ...] = ()  # entitlement ids the requester unticked on it


class Cards(Protocol):
    """Which message shows each conversation's current card, for every process that
    shares the store: a click on any other card of the conversation is on a replaced
    one. Written under the conversation's lock, as the turn or click that changes it."""

    def current(self, conversation: str) -> ShownCard | None: ...

    def show(
        self,
        conversation: str,
        card: MessageAt | None,
        at: datetime,
        unticked: tuple[str, ...] = (),
    ) -> MessageAt | None:
        """`card` is now the conversation's current card (None: it has none), drawn with
        `unticked` unticked; the card it replaces when that one was still open (its
        message then goes stale)."""
        ...

    def untick(self, conversation: str, unticked: tuple[str, ...], at: datetime) -> None:
        """The requester's tick boxes on the current card now leave `unticked` unticked
        (kept for the next card drawn after a change: no change is silent)."""
        ...

    def close(self, conversation: str, at: datetime) -> None:
        """The current card was submitted or cancelled: it stays current (a repeated
        click on it finds that outcome), and the next `show` leaves its message alone."""
        ...


class OutboxAction(StrEnum):
    GRANT = "grant"
    REVOKE = "revoke"


class DeliveryStatus(StrEnum):
    QUEUED = "queued"  # waiting for a worker (or leased to one)
    DONE = "done"  # the connector's answer is recorded (done, or pending for owners)
    FAILED = "failed"  # refused, or still unreachable after every retry


@dataclass(frozen=True)
class NewDelivery:
    """One connector call to make: `key` names its effect (the connector's key)."""

    key: str
    request_id: str
    entitlement_id: str
    action: OutboxAction
    hold: timedelta | None = None  # a temporary grant's length, counted from provisioning


@dataclass(frozen=True)
class Delivery:
    """An outbox row as a worker sees it."""

    id: int
    key: str
    request_id: str
    entitlement_id: str
    action: OutboxAction
    status: DeliveryStatus
    attempts: int  # claims so far, this one included
    hold: timedelta | None = None
    error: str | None = None
    token: str = ""


class Outbox(Protocol):
    """Connector calls written with the state change that asks for them, done by a
    worker. At least once: a row claimed by a worker that died is claimed again when its
    lease runs out; the connector's key makes the repeated call harmless, and `settle`
    lets only one worker record each row's outcome."""

    def add(self, deliveries: Sequence[NewDelivery], at: datetime) -> None:
        """Queue rows in this unit of work (a key queued before is left as it is)."""
        ...

    def claim(self, *, at: datetime, lease: timedelta, limit: int) -> list[Delivery]:
        """Up to `limit` queued rows, oldest first, due and not leased; leased to the
        caller until `at + lease`. Two workers never hold one row at once."""
        ...

    def settle(self, delivery_id: int, at: datetime, *, error: str | None = None) -> bool:
        """Mark a queued row done (or failed with `error`); False when it was settled
        already (another worker got there first): the caller then rolls back."""
        ...

    def requeue(self, delivery_id: int, at: datetime) -> bool:
        """A failed row is queued again (the owners' Retry); False unless it had failed."""
        ...

    def get(self, delivery_id: int) -> Delivery | None: ...

    def for_request(self, request_id: str) -> list[Delivery]:
        """A request's rows, oldest first."""
        ...

    def waiting(self) -> int:
        """How many rows are queued."""
        ...


class UnitOfWork(Protocol):
    requests: RequestRepository
    audit: AuditLog
    org: OrgRepository
    keys: IdempotencyKeys
    inbox: Inbox
    leases: Leases
    outbox: Outbox
    cards: Cards

    def __enter__(self) -> Self: ...
    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None: ...
    def commit(self) -> None: ...
    def rollback(self) -> None: ...


class Outcome(StrEnum):
    DONE = "done"
    PENDING = "pending"
    FAILED = "failed"


@dataclass(frozen=True)
class FulfillmentResult:
    outcome: Outcome
    message: str = ""
    identity_id: str | None = None


class TransientConnectorError(Exception):
    """The target could not be reached or asked us to come back later (network, 5xx,
    429): the call may be retried with the same key. A permanent refusal is not an
    exception but a `FulfillmentResult` with `Outcome.FAILED` and the target's message."""


class Connector(Protocol):
    """Carries out a grant or a revocation in the target application.

    `key` names this one effect (stable across retries and restarts): a connector
    whose target accepts an idempotency key passes it on, and every connector makes a
    repeated call with the same key harmless (granting what is already granted is done)."""

    name: str

    def grant(
        self, request: AccessRequest, item: RequestItem, *, key: str
    ) -> FulfillmentResult: ...
    def revoke(
        self, request: AccessRequest, item: RequestItem, *, key: str
    ) -> FulfillmentResult: ...


class Connectors(Protocol):
    def for_app(self, app_id: str) -> Connector: ...


def ids(requests: Sequence[AccessRequest]) -> list[str]:
    return [r.id for r in requests]
