"""`Inbox` on SQL. A claim is one UPDATE that leases the oldest due jobs and marks
them with a fresh claim token, then reads back what carries the token: writing first
means SQLite takes its write lock up front (waiting its busy timeout instead of
failing on a stale read snapshot), and on PostgreSQL a racer's row is re-checked
against `due` after the lock, so two workers never get the same job in one lease.
The unique key makes `put` idempotent (a duplicate rolls back only its SAVEPOINT)."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Sequence
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Connection, Row, and_, delete, func, insert, or_, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import IntegrityError

from domain.ports import DeadJobs, Job, MessageAt, NewJob
from domain.store.inbox_tables import inbox_jobs as t
from domain.store.inbox_tables import leases


class SqlInbox:
    def __init__(self, connection: Callable[[], Connection]) -> None:
        self._conn = connection

    def put(
        self, key: str, kind: str, payload: str, at: datetime, *, lane: str | None = None
    ) -> bool:
        conn = self._conn()
        row = _row(NewJob(key, kind, payload, lane), at)
        try:
            with conn.begin_nested():
                conn.execute(insert(t).values(**row))
        except IntegrityError:
            return False
        return True

    def put_many(self, jobs: Sequence[NewJob], at: datetime) -> set[str]:
        """One INSERT … ON CONFLICT DO NOTHING RETURNING key (SQLite ≥ 3.35, PostgreSQL):
        a burst of events is one statement, not a SAVEPOINT and an INSERT each."""
        rows, seen = [], set()
        for job in jobs:
            if job.key not in seen:
                seen.add(job.key)
                rows.append(_row(job, at))
        if not rows:
            return set()
        conn = self._conn()
        dialect = sqlite if conn.dialect.name == "sqlite" else postgresql
        statement = (
            dialect.insert(t).on_conflict_do_nothing(index_elements=["key"]).returning(t.c.key)
        )
        return {str(k) for k in conn.execute(statement, rows).scalars()}

    def claim(self, *, at: datetime, lease: timedelta, limit: int) -> list[Job]:
        conn = self._conn()
        free = or_(t.c.leased_until.is_(None), t.c.leased_until <= at)
        due = and_(t.c.done_at.is_(None), t.c.available_at <= at, free)
        heads = (
            select(func.min(t.c.id).label("id"))
            .where(t.c.done_at.is_(None))
            .group_by(t.c.lane)
            .subquery()
        )  # the oldest unfinished job of each lane; only a lane's head may be claimed
        oldest = (
            select(t.c.id)
            .join(heads, heads.c.id == t.c.id)
            .where(due)
            .order_by(t.c.id)
            .limit(limit)
            .scalar_subquery()
        )
        token = uuid.uuid4().hex
        conn.execute(
            update(t)
            .where(t.c.id.in_(oldest), due)  # `due` again: re-checked if a racer got there
            .values(leased_until=at + lease, attempts=t.c.attempts + 1, claim_token=token)
        )
        rows = conn.execute(select(t).where(t.c.claim_token == token).order_by(t.c.id)).all()
        return [
            Job(r.id, r.key, r.kind, r.payload, r.received_at, r.attempts, token, _reply(r))
            for r in rows
        ]

    def renew(self, job_id: int, token: str, until: datetime) -> bool:
        held = and_(t.c.id == job_id, t.c.claim_token == token, t.c.done_at.is_(None))
        renewed = self._conn().execute(update(t).where(held).values(leased_until=until))
        return bool(renewed.rowcount)

    def reply(self, job_id: int, message: MessageAt) -> None:
        self._conn().execute(
            update(t)
            .where(t.c.id == job_id)
            .values(reply_channel=message.channel, reply_ts=message.ts)
        )

    def finish(self, job_id: int, at: datetime) -> None:
        self._conn().execute(
            update(t).where(t.c.id == job_id).values(done_at=at, leased_until=None)
        )

    def fail(self, job_id: int, at: datetime, error: str, *, retry_at: datetime | None) -> None:
        values: dict[str, object] = {"error": error[:4000], "leased_until": None}
        if retry_at is None:
            values["done_at"] = values["dead_at"] = at
        else:
            values["available_at"] = retry_at
        self._conn().execute(update(t).where(t.c.id == job_id).values(**values))

    def waiting(self, at: datetime) -> int:
        count = select(func.count()).select_from(t).where(t.c.done_at.is_(None))
        return int(self._conn().execute(count).scalar_one())

    def dead(self) -> DeadJobs:
        conn = self._conn()
        is_dead = t.c.dead_at.is_not(None)
        count = conn.execute(select(func.count()).select_from(t).where(is_dead)).scalar_one()
        latest = conn.execute(
            select(t.c.key, t.c.dead_at, t.c.error)
            .where(is_dead)
            .order_by(t.c.dead_at.desc(), t.c.id.desc())
            .limit(1)
        ).first()
        if latest is None:
            return DeadJobs(int(count))
        return DeadJobs(int(count), latest.key, latest.dead_at, latest.error)

    def purge(self, before: datetime) -> int:
        gone = self._conn().execute(delete(t).where(t.c.done_at < before)).rowcount
        return int(gone)


def _reply(row: Row[Any]) -> MessageAt | None:
    if row.reply_channel and row.reply_ts:
        return MessageAt(str(row.reply_channel), str(row.reply_ts))
    return None


def _row(job: NewJob, at: datetime) -> dict[str, object]:
    return dict(
        key=job.key,
        kind=job.kind,
        payload=job.payload,
        lane=job.lane or job.key,
        received_at=at,
        available_at=at,
        attempts=0,
    )


class SqlLeases:
    """One INSERT … ON CONFLICT DO UPDATE … WHERE (lapsed or ours) RETURNING: the row is
    returned only when the caller got the lease, atomically on SQLite and PostgreSQL."""

    def __init__(self, connection: Callable[[], Connection]) -> None:
        self._conn = connection

    def acquire(self, name: str, holder: str, *, until: datetime, at: datetime) -> bool:
        conn = self._conn()
        dialect = sqlite if conn.dialect.name == "sqlite" else postgresql
        new = dialect.insert(leases).values(name=name, holder=holder, until=until)
        taken = new.on_conflict_do_update(
            index_elements=["name"],
            set_={"holder": new.excluded.holder, "until": new.excluded.until},
            where=or_(leases.c.until <= at, leases.c.holder == holder),
        ).returning(leases.c.name)
        return conn.execute(taken).first() is not None

    def release(self, name: str, holder: str) -> None:
        self._conn().execute(delete(leases).where(leases.c.name == name, leases.c.holder == holder))
