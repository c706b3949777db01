"""Each conversation's current confirmation card (`domain.ports.Cards`)."""

from __future__ import annotations

from sqlalchemy import Boolean, Column, String, Table, Text

from domain.store.tables import metadata
from domain.store.types import UtcDateTime

conversation_cards = Table(
    "conversation_cards",
    metadata,
    Column("conversation", String(255), primary_key=True),
    Column("channel", String(64), nullable=False),
    Column("ts", String(32), nullable=False),
    Column("open", Boolean(), nullable=False),
    Column("updated_at", UtcDateTime, nullable=False),
    Column("unticked", Text(), nullable=True),  # JSON list of entitlement ids
)
