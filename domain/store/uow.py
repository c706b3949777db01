"""`SqlUnitOfWork`: one connection and one transaction per outermost `with` block.

Leaving the block without `commit()` rolls back. Nested `with uow:` blocks join the
outer one (a depth counter, like the in-memory fake). After `commit()` or
`rollback()` inside the block, the next statement begins a new transaction, so a use
case can record a refusal in its own transaction and carry on.
"""

from __future__ import annotations

from types import TracebackType
from typing import Self

from sqlalchemy import Connection, Engine

from domain.ports import (
    AuditLog,
    Cards,
    IdempotencyKeys,
    Inbox,
    Leases,
    OrgRepository,
    Outbox,
    RequestRepository,
)
from domain.store.audit import SqlAuditLog
from domain.store.cards import SqlCards
from domain.store.inbox import SqlInbox, SqlLeases
from domain.store.keys import SqlIdempotencyKeys
from domain.store.org_repo import SqlOrgRepository
from domain.store.outbox import SqlOutbox
from domain.store.request_repo import SqlRequestRepository


class SqlUnitOfWork:
    def __init__(self, engine: Engine) -> None:
        self._engine = engine
        self._connection: Connection | None = None
        self._depth = 0
        self.requests: RequestRepository = SqlRequestRepository(self.connection)
        self._audit = SqlAuditLog(self.connection)
        self.audit: AuditLog = self._audit
        self.org: OrgRepository = SqlOrgRepository(self.connection)
        self.keys: IdempotencyKeys = SqlIdempotencyKeys(self.connection)
        self.inbox: Inbox = SqlInbox(self.connection)
        self.leases: Leases = SqlLeases(self.connection)
        self.outbox: Outbox = SqlOutbox(self.connection)
        self.cards: Cards = SqlCards(self.connection)

    def connection(self) -> Connection:
        if self._connection is None:
            raise RuntimeError("use the unit of work inside `with uow:`")
        return self._connection

    def __enter__(self) -> Self:
        if self._depth == 0:
            self._connection = self._engine.connect()
        self._depth += 1
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self._depth -= 1
        if self._depth > 0:
            return
        connection, self._connection = self._connection, None
        self._audit.discard()
        if connection is not None:
            try:
                connection.rollback()
            finally:
                connection.close()

    def commit(self) -> None:
        """The audit events appended in this transaction are chained and written last,
        under the chain head's lock, which the commit releases (see `SqlAuditLog`)."""
        self._audit.seal()
        self.connection().commit()

    def rollback(self) -> None:
        self._audit.discard()
        self.connection().rollback()
