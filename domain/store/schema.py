"""The complete schema: importing this registers every table on `metadata`."""

from __future__ import annotations

from domain.store import (
    audit_tables,
    card_tables,
    inbox_tables,
    org_tables,
    outbox_tables,
    request_tables,
)
from domain.store.tables import metadata

__all__ = [
    "audit_tables",
    "card_tables",
    "inbox_tables",
    "metadata",
    "org_tables",
    "outbox_tables",
    "request_tables",
]
