"""The append-only audit trail and the durable idempotency keys.

`audit_events` is only ever inserted into; the migration adds triggers that make an
UPDATE or DELETE fail on the database itself, so not even a bug can rewrite history.
"""

from __future__ import annotations

from sqlalchemy import BigInteger, Column, Index, Integer, String, Table

from domain.store.tables import ID, metadata
from domain.store.types import Json, UtcDateTime

audit_events = Table(
    "audit_events",
    metadata,
    Column(
        "id",
        BigInteger().with_variant(Integer(), "sqlite"),
        primary_key=True,
        autoincrement=True,
    ),
    Column("at", UtcDateTime, nullable=False),
    Column("actor", ID, nullable=False),
    Column("action", String(64), nullable=False),
    Column("request_id", String(64)),
    Column("data", Json, nullable=False),
    Index(None, "request_id", "id"),
)

idempotency_keys = Table(
    "idempotency_keys",
    metadata,
    Column("key", String(255), primary_key=True),
    Column("at", UtcDateTime, nullable=False),
)
