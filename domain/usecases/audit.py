"""Reading the audit trail back: verify its hash chain, export it (CLI and GET /audit)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime

from domain.model.audit_chain import ChainBreak, ChainHead, ChainWalk
from domain.model.requests import AuditEvent
from domain.ports import UnitOfWork

PAGE = 1000


@dataclass(frozen=True)
class Verdict:
    head: ChainHead
    broken: ChainBreak | None

    @property
    def ok(self) -> bool:
        return self.broken is None


def verify_trail(uow: UnitOfWork, *, page: int = PAGE) -> Verdict:
    """Walk the whole chain, page by page, and name the first row that breaks it.

    Each page is its own short transaction (on SQLite every transaction holds the
    write lock), which `seq` makes safe: pages never skip a row. The recorded head is
    read after the walk, and rows appended meanwhile are walked too, so a busy store
    verifies without a false alarm."""
    walk = ChainWalk()
    while True:
        with uow:
            rows = uow.audit.since(walk.head.seq, limit=page)
        if walk.feed(rows) is not None:
            return Verdict(walk.head, walk.broken)
        if rows:
            continue
        with uow:
            recorded = uow.audit.head()
            if recorded.seq > walk.head.seq and uow.audit.since(walk.head.seq, limit=1):
                continue  # appended while we walked
            return Verdict(walk.head, walk.finish(recorded, uow.audit.unchained()))


def trail(
    uow: UnitOfWork,
    *,
    request_id: str | None = None,
    at_from: datetime | None = None,
    page: int = PAGE,
) -> Iterator[AuditEvent]:
    """The trail in chain order (one request's, from a time on), read a page per
    transaction, so a slow reader of a long export holds no lock between pages."""
    after = 0
    while True:
        with uow:
            rows = uow.audit.since(after, limit=page, request_id=request_id, at_from=at_from)
        if not rows:
            return
        yield from rows
        after = rows[-1].seq or after
