"""Access requests as rows: the request, its items, its approval steps and their approvers.

Everything a query filters on is a real, indexed column: `state`, `end`, the
casefolded `beneficiary_key` / `requester_key`, `idempotency_key`, and each step's
approvers as `request_approvers.person_key` joined on the request's `current_step`
(the position of its first pending step), which is what `awaiting()` needs.
"""

from __future__ import annotations

from sqlalchemy import (
    Boolean,
    Column,
    ForeignKey,
    ForeignKeyConstraint,
    Index,
    Integer,
    String,
    Table,
)

from domain.store.tables import ID, TEXT, metadata
from domain.store.types import UtcDateTime

requests = Table(
    "requests",
    metadata,
    Column("id", String(64), primary_key=True),
    Column("kind", String(16), nullable=False),
    Column("requester", ID, nullable=False),
    Column("requester_key", ID, nullable=False, index=True),
    Column("beneficiary", ID, nullable=False),
    Column("beneficiary_key", ID, nullable=False, index=True),
    Column("access_like", String(16), nullable=False),
    Column("access_like_ref", ID),
    Column("end", UtcDateTime),
    Column("requested_end", UtcDateTime),
    Column("permanent_requested", Boolean, nullable=False),
    Column("capped", Boolean, nullable=False),
    Column("four_eyes", Boolean, nullable=False, server_default="0"),
    Column("reason", TEXT, nullable=False),
    Column("comment", TEXT, nullable=False),
    Column("state", String(16), nullable=False),
    Column("current_step", Integer),
    Column("created_at", UtcDateTime, nullable=False),
    Column("updated_at", UtcDateTime, nullable=False),
    Column("submitted_at", UtcDateTime),
    Column("decided_at", UtcDateTime),
    Column("fulfilled_at", UtcDateTime),
    Column("closed_at", UtcDateTime),
    Column("idempotency_key", String(255), index=True),
    Column("version", Integer, nullable=False),
    Index(None, "state", "end"),
    Index(None, "state", "created_at"),
)


def _request_fk() -> ForeignKey:
    return ForeignKey("requests.id", ondelete="CASCADE")


request_items = Table(
    "request_items",
    metadata,
    Column("request_id", String(64), _request_fk(), primary_key=True),
    Column("position", Integer, primary_key=True, autoincrement=False),
    Column("entitlement_id", ID, nullable=False),
    Column("app_id", ID, nullable=False),
    Column("identity_id", ID, nullable=False),
    Column("status", String(16), nullable=False),
    Column("note", TEXT, nullable=False),
)

approval_steps = Table(
    "approval_steps",
    metadata,
    Column("request_id", String(64), _request_fk(), primary_key=True),
    Column("position", Integer, primary_key=True, autoincrement=False),
    Column("step_index", Integer, nullable=False),
    Column("rule", ID, nullable=False),
    Column("note", TEXT, nullable=False),
    Column("status", String(16), nullable=False),
    Column("decided_by", ID),
    Column("decided_at", UtcDateTime),
    Column("comment", TEXT, nullable=False),
)

request_approvers = Table(
    "request_approvers",
    metadata,
    Column("request_id", String(64), primary_key=True),
    Column("step", Integer, primary_key=True, autoincrement=False),
    Column("position", Integer, primary_key=True, autoincrement=False),
    Column("person", ID, nullable=False),
    Column("person_key", ID, nullable=False, index=True),
    ForeignKeyConstraint(
        ["request_id", "step"],
        ["approval_steps.request_id", "approval_steps.position"],
        ondelete="CASCADE",
    ),
)
