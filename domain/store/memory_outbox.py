"""The outbox in memory (`domain.ports.Outbox`), as the SQL table keeps it."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from domain.ports import Delivery, DeliveryStatus, NewDelivery


@dataclass
class DeliveryRow:
    row: Delivery
    available_at: datetime
    leased_until: datetime | None = None


class MemoryOutbox:
    def __init__(self, rows: list[DeliveryRow]) -> None:
        self._rows = rows

    def add(self, deliveries: Sequence[NewDelivery], at: datetime) -> None:
        known = {r.row.key for r in self._rows}
        for d in deliveries:
            if d.key in known:
                continue
            known.add(d.key)
            row = Delivery(
                len(self._rows) + 1,
                d.key,
                d.request_id,
                d.entitlement_id,
                d.action,
                DeliveryStatus.QUEUED,
                0,
                d.hold,
            )
            self._rows.append(DeliveryRow(row, available_at=at))

    def claim(self, *, at: datetime, lease: timedelta, limit: int) -> list[Delivery]:
        claimed: list[Delivery] = []
        for r in self._rows:
            if len(claimed) >= limit:
                break
            free = r.leased_until is None or r.leased_until <= at
            if r.row.status is DeliveryStatus.QUEUED and r.available_at <= at and free:
                r.row = replace(r.row, attempts=r.row.attempts + 1, token=uuid.uuid4().hex)
                r.leased_until = at + lease
                claimed.append(r.row)
        return claimed

    def settle(self, delivery_id: int, at: datetime, *, error: str | None = None) -> bool:
        r = self._rows[delivery_id - 1]
        if r.row.status is not DeliveryStatus.QUEUED:
            return False
        status = DeliveryStatus.DONE if error is None else DeliveryStatus.FAILED
        r.row, r.leased_until = replace(r.row, status=status, error=error), None
        return True

    def requeue(self, delivery_id: int, at: datetime) -> bool:
        r = self._rows[delivery_id - 1]
        if r.row.status is not DeliveryStatus.FAILED:
            return False
        r.row = replace(r.row, status=DeliveryStatus.QUEUED, attempts=0, error=None)
        r.available_at = at
        return True

    def get(self, delivery_id: int) -> Delivery | None:
        if 0 < delivery_id <= len(self._rows):
            return self._rows[delivery_id - 1].row
        return None

    def for_request(self, request_id: str) -> list[Delivery]:
        return [r.row for r in self._rows if r.row.request_id == request_id]

    def waiting(self) -> int:
        return sum(1 for r in self._rows if r.row.status is DeliveryStatus.QUEUED)
