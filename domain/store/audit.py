"""`AuditLog` on SQL: this class only inserts and reads (the database refuses UPDATE
and DELETE, see the migration). Ids come from the database, in insertion order."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlalchemy import Connection, Select, insert, select

from domain.model.requests import AuditEvent
from domain.store.audit_tables import audit_events


class SqlAuditLog:
    def __init__(self, connection: Callable[[], Connection]) -> None:
        self._conn = connection

    def append(self, event: AuditEvent) -> None:
        row = event.model_dump(mode="python", exclude={"id", "data"})
        row["data"] = event.model_dump(mode="json", include={"data"})["data"]  # JSON-safe
        self._conn().execute(insert(audit_events), row)

    def for_request(self, request_id: str) -> list[AuditEvent]:
        return self._read(select(audit_events).where(audit_events.c.request_id == request_id))

    def since(self, after_id: int = 0, *, limit: int = 1000) -> list[AuditEvent]:
        return self._read(select(audit_events).where(audit_events.c.id > after_id).limit(limit))

    def _read(self, query: Select[Any]) -> list[AuditEvent]:
        rows = self._conn().execute(query.order_by(audit_events.c.id))
        return [AuditEvent.model_validate(dict(row._mapping)) for row in rows]
