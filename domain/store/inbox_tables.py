"""The inbox (work taken in at once, done by a worker: `domain.ports.Inbox`) and named
leases between processes (`domain.ports.Leases`)."""

from __future__ import annotations

from sqlalchemy import BigInteger, Column, Index, Integer, String, Table, Text

from domain.store.tables import metadata
from domain.store.types import UtcDateTime

inbox_jobs = Table(
    "inbox_jobs",
    metadata,
    Column(
        "id",
        BigInteger().with_variant(Integer(), "sqlite"),
        primary_key=True,
        autoincrement=True,
    ),
    Column("key", String(255), nullable=False, unique=True),
    Column("kind", String(64), nullable=False),
    Column("lane", String(255), nullable=False),
    Column("payload", Text(), nullable=False),
    Column("received_at", UtcDateTime, nullable=False),
    Column("available_at", UtcDateTime, nullable=False),
    Column("attempts", Integer(), nullable=False),
    Column("leased_until", UtcDateTime),
    Column("done_at", UtcDateTime),
    Column("error", Text()),
    Column("claim_token", String(32)),
    Column("dead_at", UtcDateTime),  # given up on: a dead letter (done_at is set too)
    Column("reply_channel", String(64)),  # the "Thinking…" message the job posted
    Column("reply_ts", String(32)),
    Index(None, "done_at", "available_at"),
    Index(None, "lane", "done_at"),
    Index(None, "dead_at"),
)


leases = Table(
    "leases",
    metadata,
    Column("name", String(255), primary_key=True),
    Column("holder", String(255), nullable=False),
    Column("until", UtcDateTime, nullable=False),
)
