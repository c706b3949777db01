"""The outbox: connector calls queued with the state change that asks for them
(`domain.ports.Outbox`), done by the outbox worker."""

from __future__ import annotations

from sqlalchemy import BigInteger, Column, Index, Integer, String, Table, Text

from domain.store.tables import ID, metadata
from domain.store.types import UtcDateTime

outbox = Table(
    "outbox",
    metadata,
    Column(
        "id",
        BigInteger().with_variant(Integer(), "sqlite"),
        primary_key=True,
        autoincrement=True,
    ),
    Column("key", String(255), nullable=False, unique=True),  # the connector's key
    Column("request_id", ID, nullable=False),
    Column("entitlement_id", ID, nullable=False),
    Column("action", String(16), nullable=False),
    Column("status", String(16), nullable=False),
    Column("hold_seconds", BigInteger()),  # a temporary grant's length
    Column("created_at", UtcDateTime, nullable=False),
    Column("available_at", UtcDateTime, nullable=False),
    Column("attempts", Integer(), nullable=False),
    Column("leased_until", UtcDateTime),
    Column("claim_token", String(32)),
    Column("settled_at", UtcDateTime),
    Column("error", Text()),
    Index(None, "status", "available_at"),
    Index(None, "request_id"),
)
