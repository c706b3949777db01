"""`Outbox` on SQL. A claim picks due rows with `FOR UPDATE SKIP LOCKED` on PostgreSQL
(a second worker skips the rows the first is taking instead of waiting for them) and
marks them with a fresh token; on SQLite the claim's UPDATE takes the one write lock
(`BEGIN IMMEDIATE`), so there is one claimant at a time. `settle` is conditional on
the row still being queued: of two workers that both called the connector (a lease
that lapsed), one records the outcome and the other rolls back."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Sequence
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Connection, Row, and_, func, or_, select, update
from sqlalchemy.dialects import postgresql, sqlite

from domain.ports import Delivery, DeliveryStatus, NewDelivery, OutboxAction
from domain.store.outbox_tables import outbox as t

QUEUED = DeliveryStatus.QUEUED.value


class SqlOutbox:
    def __init__(self, connection: Callable[[], Connection]) -> None:
        self._conn = connection

    def add(self, deliveries: Sequence[NewDelivery], at: datetime) -> None:
        if not deliveries:
            return
        conn = self._conn()
        dialect = sqlite if conn.dialect.name == "sqlite" else postgresql
        rows = [_row(d, at) for d in deliveries]
        conn.execute(dialect.insert(t).on_conflict_do_nothing(index_elements=["key"]), rows)

    def claim(self, *, at: datetime, lease: timedelta, limit: int) -> list[Delivery]:
        conn = self._conn()
        free = or_(t.c.leased_until.is_(None), t.c.leased_until <= at)
        due = and_(t.c.status == QUEUED, t.c.available_at <= at, free)
        pick = select(t.c.id).where(due).order_by(t.c.id).limit(limit)
        if conn.dialect.name == "postgresql":
            pick = pick.with_for_update(skip_locked=True)
        token = uuid.uuid4().hex
        conn.execute(
            update(t)
            .where(t.c.id.in_(pick.scalar_subquery()), due)
            .values(leased_until=at + lease, attempts=t.c.attempts + 1, claim_token=token)
        )
        rows = conn.execute(select(t).where(t.c.claim_token == token).order_by(t.c.id)).all()
        return [_delivery(r) for r in rows]

    def settle(self, delivery_id: int, at: datetime, *, error: str | None = None) -> bool:
        status = DeliveryStatus.DONE if error is None else DeliveryStatus.FAILED
        done = self._conn().execute(
            update(t)
            .where(t.c.id == delivery_id, t.c.status == QUEUED)
            .values(
                status=status.value,
                settled_at=at,
                leased_until=None,
                error=error[:4000] if error else None,
            )
        )
        return bool(done.rowcount)

    def requeue(self, delivery_id: int, at: datetime) -> bool:
        failed = DeliveryStatus.FAILED.value
        again = self._conn().execute(
            update(t)
            .where(t.c.id == delivery_id, t.c.status == failed)
            .values(status=QUEUED, available_at=at, attempts=0, settled_at=None, error=None)
        )
        return bool(again.rowcount)

    def get(self, delivery_id: int) -> Delivery | None:
        row = self._conn().execute(select(t).where(t.c.id == delivery_id)).first()
        return _delivery(row) if row else None

    def for_request(self, request_id: str) -> list[Delivery]:
        rows = self._conn().execute(select(t).where(t.c.request_id == request_id).order_by(t.c.id))
        return [_delivery(r) for r in rows]

    def waiting(self) -> int:
        count = select(func.count()).select_from(t).where(t.c.status == QUEUED)
        return int(self._conn().execute(count).scalar_one())


def _row(d: NewDelivery, at: datetime) -> dict[str, object]:
    return dict(
        key=d.key,
        request_id=d.request_id,
        entitlement_id=d.entitlement_id,
        action=d.action.value,
        status=QUEUED,
        hold_seconds=int(d.hold.total_seconds()) if d.hold is not None else None,
        created_at=at,
        available_at=at,
        attempts=0,
    )


def _delivery(r: Row[Any]) -> Delivery:
    hold = timedelta(seconds=r.hold_seconds) if r.hold_seconds is not None else None
    return Delivery(
        id=int(r.id),
        key=r.key,
        request_id=r.request_id,
        entitlement_id=r.entitlement_id,
        action=OutboxAction(r.action),
        status=DeliveryStatus(r.status),
        attempts=int(r.attempts),
        hold=hold,
        error=r.error,
        token=r.claim_token or "",
    )
