"""The append-only audit trail, its chain head, and the durable idempotency keys.

`audit_events` is only ever inserted into; the migration adds triggers that make an
UPDATE or DELETE fail on the database itself, so not even a bug can rewrite history.
Each row is a link of a hash chain (`domain.model.audit_chain`): `seq` is its place,
given in commit order under a lock on the one row of `audit_chain`, which holds the
newest link.
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
    Column("seq", BigInteger().with_variant(Integer(), "sqlite")),
    Column("prev_hash", String(64)),
    Column("hash", String(64)),
    Index(None, "request_id", "id"),
    Index(None, "seq", unique=True),
)

audit_chain = Table(
    "audit_chain",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=False),  # always 1: one row
    Column("seq", BigInteger().with_variant(Integer(), "sqlite"), nullable=False),
    Column("hash", String(64), nullable=False),
)

idempotency_keys = Table(
    "idempotency_keys",
    metadata,
    Column("key", String(255), primary_key=True),
    Column("at", UtcDateTime, nullable=False),
)
