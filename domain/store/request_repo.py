"""`RequestRepository` on SQL: add, get, save with optimistic concurrency, and queries.

`save` is `UPDATE requests ... WHERE id = :id AND version = :seen`; when no row
matches, someone else saved first and `ConcurrentUpdate` is raised (on PostgreSQL the
second writer waits for the first's row lock, then finds the version moved).
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import (
    Connection,
    Select,
    Table,
    and_,
    bindparam,
    delete,
    exists,
    insert,
    or_,
    select,
    update,
)

from domain.errors import ConcurrentUpdate
from domain.ids import key
from domain.model.requests import OPEN_STATES, TIMED_KINDS, AccessRequest, State
from domain.store.request_rows import (
    approver_rows,
    item_rows,
    request_from_rows,
    request_row,
    step_rows,
)
from domain.store.request_tables import (
    approval_steps,
    request_approvers,
    request_items,
    requests,
)
from domain.store.snapshot import Row

_OPEN = sorted(s.value for s in OPEN_STATES)


class SqlRequestRepository:
    def __init__(self, connection: Callable[[], Connection]) -> None:
        self._conn = connection

    def add(self, request: AccessRequest) -> None:
        self._conn().execute(insert(requests), request_row(request))
        self._insert_children(request)

    def get(self, request_id: str) -> AccessRequest | None:
        found = self._load(select(requests).where(requests.c.id == request_id))
        return found[0] if found else None

    def many(self, request_ids: Collection[str]) -> list[AccessRequest]:
        if not request_ids:
            return []
        return self._load(select(requests).where(requests.c.id.in_(list(request_ids))))

    def save(self, request: AccessRequest) -> None:
        self.save_many([request])

    def save_many(self, batch: Sequence[AccessRequest]) -> None:
        """One UPDATE for all (executemany: each row checks its own version), then the
        children of all of them replaced in one DELETE and one INSERT per table."""
        if not batch:
            return
        conn = self._conn()
        rows = [
            {**request_row(r), "version": r.version + 1, "_id": r.id, "_seen": r.version}
            for r in batch
        ]
        seen = (requests.c.id == bindparam("_id")) & (requests.c.version == bindparam("_seen"))
        done = conn.execute(update(requests).where(seen), rows)
        if done.rowcount != len(batch):
            changed = "request " + batch[0].id if len(batch) == 1 else "a request of the batch"
            raise ConcurrentUpdate(f"{changed} changed underneath; try again")
        ids = [r.id for r in batch]
        for table in (request_approvers, approval_steps, request_items):
            conn.execute(delete(table).where(table.c.request_id.in_(ids)))
        self._insert_children(*batch)
        for request in batch:
            request.version += 1

    def _insert_children(self, *batch: AccessRequest) -> None:
        conn = self._conn()
        for table, make in (
            (request_items, item_rows),
            (approval_steps, step_rows),
            (request_approvers, approver_rows),
        ):
            rows = [row for request in batch for row in make(request)]
            if rows:
                conn.execute(insert(table), rows)

    def by_idempotency_key(self, key_: str) -> list[AccessRequest]:
        return self._load(select(requests).where(requests.c.idempotency_key == key_))

    def open_for(self, beneficiary: str) -> list[AccessRequest]:
        return self._load(
            select(requests).where(
                requests.c.beneficiary_key == key(beneficiary), requests.c.state.in_(_OPEN)
            )
        )

    def awaiting(self, approver: str) -> list[AccessRequest]:
        eligible = exists().where(
            request_approvers.c.request_id == requests.c.id,
            request_approvers.c.step == requests.c.current_step,
            request_approvers.c.person_key == key(approver),
        )
        return self._load(
            select(requests).where(requests.c.state == State.SUBMITTED.value, eligible)
        )

    def by_requester(self, requester: str, *, open_only: bool = False) -> list[AccessRequest]:
        k = key(requester)
        query = select(requests).where(
            or_(requests.c.requester_key == k, requests.c.beneficiary_key == k)
        )
        if open_only:
            query = query.where(requests.c.state.in_(_OPEN))
        return self._load(query)

    def in_state(self, state: str, *, limit: int = 500) -> list[AccessRequest]:
        return self._load(select(requests).where(requests.c.state == state), limit=limit)

    def due_for_expiry(self, now: datetime) -> list[AccessRequest]:
        return self._load(
            select(requests).where(
                and_(
                    requests.c.state == State.FULFILLED.value,
                    requests.c.kind.in_([k.value for k in TIMED_KINDS]),
                    requests.c.end.is_not(None),
                    requests.c.end <= now,
                )
            )
        )

    def _load(self, query: Select[Any], *, limit: int | None = None) -> list[AccessRequest]:
        """The matching requests, oldest first, with their children in three more selects."""
        conn = self._conn()
        query = query.order_by(requests.c.created_at, requests.c.id)
        if limit is not None:
            query = query.limit(limit)
        rows = [dict(r._mapping) for r in conn.execute(query)]
        if not rows:
            return []
        ids = [r["id"] for r in rows]
        children = {
            name: _grouped(conn, table, ids)
            for name, table in (
                ("items", request_items),
                ("steps", approval_steps),
                ("approvers", request_approvers),
            )
        }
        return [
            request_from_rows(
                row,
                children["items"].get(row["id"], []),
                children["steps"].get(row["id"], []),
                children["approvers"].get(row["id"], []),
            )
            for row in rows
        ]


_CHUNK = 500


def _grouped(conn: Connection, table: Table, ids: list[str]) -> dict[str, list[Row]]:
    """Child rows of these requests by request id, in their stored order."""
    out: dict[str, list[Row]] = {}
    order = list(table.primary_key.columns)
    for start in range(0, len(ids), _CHUNK):
        chunk = ids[start : start + _CHUNK]
        query = select(table).where(table.c.request_id.in_(chunk)).order_by(*order)
        for row in conn.execute(query):
            out.setdefault(row.request_id, []).append(dict(row._mapping))
    return out
