"""`AuditLog` on SQL: this class only inserts and reads (the database refuses UPDATE
and DELETE, see the migrations).

Appended events wait in the unit of work until it commits; `seal` then locks the chain
head (`audit_chain`, one row: FOR UPDATE on PostgreSQL, the write lock every SQLite
transaction takes anyway), links them after it and inserts them. The lock is the last
one a transaction takes and is held only from there to its commit, so appends cannot
fork the chain, cannot deadlock with row locks taken earlier, and get `seq` (and ids)
in commit order: a reader that has seen `seq` n has seen every row before it, which
is what makes `seq` a safe watermark for `since`.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, Select, insert, select, update

from domain.model.audit_chain import ChainHead, chained
from domain.model.requests import AuditEvent
from domain.store.audit_tables import audit_chain, audit_events

_HEAD = audit_chain.c.id == 1


class SqlAuditLog:
    def __init__(self, connection: Callable[[], Connection]) -> None:
        self._conn = connection
        self._pending: list[AuditEvent] = []

    def append(self, event: AuditEvent) -> None:
        self._pending.append(event.model_copy(update={"id": None, "seq": None}))

    def seal(self) -> None:
        """Chain and insert the events appended in this transaction (just before commit)."""
        if not self._pending:
            return
        pending, self._pending = self._pending, []
        conn = self._conn()
        found = conn.execute(select(audit_chain).where(_HEAD).with_for_update()).first()
        head = ChainHead(found.seq, found.hash) if found else ChainHead()
        rows = []
        for event in pending:
            linked = chained(event, head)
            head = ChainHead(linked.seq or 0, linked.hash or "")
            rows.append(_row(linked))
        conn.execute(insert(audit_events), rows)
        if found is None:  # a schema made without the migrations, which add the row
            conn.execute(insert(audit_chain).values(id=1, seq=head.seq, hash=head.hash))
        else:
            conn.execute(update(audit_chain).where(_HEAD).values(seq=head.seq, hash=head.hash))

    def discard(self) -> None:
        """The transaction rolled back: so do its events."""
        self._pending = []

    def for_request(self, request_id: str) -> list[AuditEvent]:
        stored = self._read(select(audit_events).where(audit_events.c.request_id == request_id))
        return stored + [e for e in self._pending if e.request_id == request_id]

    def since(
        self,
        after: int = 0,
        *,
        limit: int = 1000,
        request_id: str | None = None,
        at_from: datetime | None = None,
        action: str | None = None,
    ) -> list[AuditEvent]:
        query = select(audit_events).where(audit_events.c.seq > after)
        if action is not None:
            query = query.where(audit_events.c.action == action)
        if request_id is not None:
            query = query.where(audit_events.c.request_id == request_id)
        if at_from is not None:
            query = query.where(audit_events.c.at >= at_from)
        return self._read(query.limit(limit))

    def head(self) -> ChainHead:
        found = self._conn().execute(select(audit_chain).where(_HEAD)).first()
        return ChainHead(found.seq, found.hash) if found else ChainHead()

    def unchained(self, *, limit: int = 10) -> list[AuditEvent]:
        query = select(audit_events).where(audit_events.c.seq.is_(None)).limit(limit)
        rows = self._conn().execute(query.order_by(audit_events.c.id))
        return [AuditEvent.model_validate(dict(row._mapping)) for row in rows]

    def _read(self, query: Select[Any]) -> list[AuditEvent]:
        rows = self._conn().execute(query.order_by(audit_events.c.seq))
        return [AuditEvent.model_validate(dict(row._mapping)) for row in rows]


def _row(event: AuditEvent) -> dict[str, object]:
    row = event.model_dump(mode="python", exclude={"id", "data"})
    row["data"] = event.model_dump(mode="json", include={"data"})["data"]  # JSON-safe
    return row
