"""`Inbox` on SQL. A claim is a guarded UPDATE (`... WHERE id = ? AND not leased`), so
two workers racing for a job get it once on SQLite and PostgreSQL alike, without
row locks; the unique key makes `put` idempotent (a duplicate rolls back only its
SAVEPOINT)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta

from sqlalchemy import Connection, and_, delete, func, insert, or_, select, update
from sqlalchemy.exc import IntegrityError

from domain.ports import Job
from domain.store.inbox_tables import inbox_jobs as t

SCAN = 4  # candidates read per wanted job, so a lost race still fills the batch


class SqlInbox:
    def __init__(self, connection: Callable[[], Connection]) -> None:
        self._conn = connection

    def put(self, key: str, kind: str, payload: str, at: datetime) -> bool:
        conn = self._conn()
        row = dict(key=key, kind=kind, payload=payload, received_at=at, available_at=at, attempts=0)
        try:
            with conn.begin_nested():
                conn.execute(insert(t).values(**row))
        except IntegrityError:
            return False
        return True

    def claim(self, *, at: datetime, lease: timedelta, limit: int) -> list[Job]:
        conn = self._conn()
        free = or_(t.c.leased_until.is_(None), t.c.leased_until <= at)
        due = and_(t.c.done_at.is_(None), t.c.available_at <= at, free)
        candidates = conn.execute(
            select(t.c.id, t.c.key, t.c.kind, t.c.payload, t.c.received_at, t.c.attempts)
            .where(due)
            .order_by(t.c.id)
            .limit(limit * SCAN)
        ).all()
        claimed: list[Job] = []
        for row in candidates:
            if len(claimed) >= limit:
                break
            won = conn.execute(
                update(t)
                .where(t.c.id == row.id, due)
                .values(leased_until=at + lease, attempts=t.c.attempts + 1)
            ).rowcount
            if won == 1:
                claimed.append(
                    Job(row.id, row.key, row.kind, row.payload, row.received_at, row.attempts + 1)
                )
        return claimed

    def finish(self, job_id: int, at: datetime) -> None:
        self._conn().execute(
            update(t).where(t.c.id == job_id).values(done_at=at, leased_until=None)
        )

    def fail(self, job_id: int, at: datetime, error: str, *, retry_at: datetime | None) -> None:
        values: dict[str, object] = {"error": error[:4000], "leased_until": None}
        if retry_at is None:
            values["done_at"] = at
        else:
            values["available_at"] = retry_at
        self._conn().execute(update(t).where(t.c.id == job_id).values(**values))

    def waiting(self, at: datetime) -> int:
        count = select(func.count()).select_from(t).where(t.c.done_at.is_(None))
        return int(self._conn().execute(count).scalar_one())

    def purge(self, before: datetime) -> int:
        gone = self._conn().execute(delete(t).where(t.c.done_at < before)).rowcount
        return int(gone)
