"""`IdempotencyKeys` on SQL: the primary key decides, so two processes racing on one
key get exactly one True. The INSERT runs in a SAVEPOINT, so a duplicate rolls back
only itself and the caller's transaction carries on."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from sqlalchemy import Connection, delete, insert
from sqlalchemy.exc import IntegrityError

from domain.store.audit_tables import idempotency_keys


class SqlIdempotencyKeys:
    def __init__(self, connection: Callable[[], Connection]) -> None:
        self._conn = connection

    def claim(self, key: str, at: datetime) -> bool:
        conn = self._conn()
        try:
            with conn.begin_nested():
                conn.execute(insert(idempotency_keys).values(key=key, at=at))
        except IntegrityError:
            return False
        return True

    def release(self, key: str) -> None:
        self._conn().execute(delete(idempotency_keys).where(idempotency_keys.c.key == key))
