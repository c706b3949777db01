"""Access requests: what was asked, for whom, by whom, and where it stands.

A request is one beneficiary, one kind (grant or revoke), one or more items
(an entitlement on an identity, or on a new account), one duration and one
ordered chain of approval steps. The chain is fixed at submission: who may
approve a step is recorded then, so a later org import cannot change it silently.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field


class RequestKind(StrEnum):
    GRANT = "grant"
    REVOKE = "revoke"
    EXTEND = "extend"  # a new end for temporary grants the beneficiary holds


TIMED_KINDS = frozenset({RequestKind.GRANT, RequestKind.EXTEND})  # fulfilled: access to expire


class AccessLikeKind(StrEnum):
    PERSON = "person"
    JOB_TITLE = "job_title"
    ROLE = "role"
    CUSTOM = "custom"


class State(StrEnum):
    DRAFT = "draft"
    SUBMITTED = "submitted"
    APPROVED = "approved"
    REJECTED = "rejected"
    CANCELLED = "cancelled"
    FULFILLING = "fulfilling"
    FULFILLED = "fulfilled"
    FAILED = "failed"
    EXPIRED = "expired"
    REVOKED = "revoked"


OPEN_STATES = frozenset({State.DRAFT, State.SUBMITTED, State.APPROVED, State.FULFILLING})
FINAL_STATES = frozenset(
    {State.REJECTED, State.CANCELLED, State.FAILED, State.EXPIRED, State.REVOKED}
)


class StepStatus(StrEnum):
    PENDING = "pending"
    APPROVED = "approved"
    REJECTED = "rejected"
    SKIPPED = "skipped"


class ItemStatus(StrEnum):
    REQUESTED = "requested"
    DROPPED = "dropped"
    QUEUED = "queued"  # in the outbox: the connector has not answered yet
    FULFILLING = "fulfilling"  # the connector answered "pending": the owners do it by hand
    DONE = "done"
    FAILED = "failed"
    REMOVED = "removed"
    EXTENDED = "extended"  # a later extension request now holds this grant (and its end)


NEW_ACCOUNT = "new"


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", validate_assignment=True)


class RequestItem(_Model):
    entitlement_id: str
    app_id: str
    identity_id: str = Field(description='"<app>:<username>", or "new" for an account to create')
    status: ItemStatus = ItemStatus.REQUESTED
    note: str = ""

    @property
    def new_account(self) -> bool:
        return self.identity_id == NEW_ACCOUNT


class ApprovalStep(_Model):
    index: int
    rule: str = Field(description="manager | app_owner | group:NAME | person:ID, as configured")
    approvers: list[str] = Field(description="Person ids eligible for this step")
    note: str = Field(default="", description="e.g. why the step went to a manager instead")
    status: StepStatus = StepStatus.PENDING
    decided_by: str | None = None
    decided_at: datetime | None = None
    comment: str = ""


class AccessRequest(_Model):
    id: str
    kind: RequestKind
    requester: str
    beneficiary: str
    access_like: AccessLikeKind = AccessLikeKind.CUSTOM
    access_like_ref: str | None = None
    items: list[RequestItem]
    end: datetime | None = Field(default=None, description="None = permanent")
    requested_end: datetime | None = None
    permanent_requested: bool = False
    capped: bool = False
    four_eyes: bool = Field(
        default=False, description="Needs two distinct deciders (fixed at submission)"
    )
    reason: str
    comment: str = ""
    state: State = State.DRAFT
    steps: list[ApprovalStep] = Field(default_factory=list)
    created_at: datetime
    updated_at: datetime
    submitted_at: datetime | None = None
    decided_at: datetime | None = None
    fulfilled_at: datetime | None = None
    closed_at: datetime | None = None
    idempotency_key: str | None = None
    version: int = 0

    @property
    def permanent(self) -> bool:
        return self.end is None

    @property
    def current_step(self) -> ApprovalStep | None:
        return next((s for s in self.steps if s.status is StepStatus.PENDING), None)

    @property
    def active_items(self) -> list[RequestItem]:
        return [i for i in self.items if i.status is not ItemStatus.DROPPED]

    @property
    def is_open(self) -> bool:
        return self.state in OPEN_STATES


class AuditEvent(_Model):
    """One line of the append-only audit trail."""

    id: int | None = None
    at: datetime
    actor: str = Field(description='A person id, or "system" for the scheduler and imports')
    action: str
    request_id: str | None = None
    data: dict[str, object] = Field(default_factory=dict)
    seq: int | None = Field(
        default=None, description="Place in the hash chain, in commit order (set by the store)"
    )
    prev_hash: str | None = Field(default=None, description="The previous row's hash")
    hash: str | None = Field(default=None, description="SHA-256 of this row and prev_hash")
