"""`OrgRepository` on SQL: the org snapshot, synced table by table, read back whole.

`replace` is a sync, not a reload: it diffs the stored rows against the new snapshot
and writes only what changed, in the caller's transaction, so requests and the audit
trail (which refer to ids, not rows) are untouched. `version` lives in the settings
row; every writer locks that row first (on PostgreSQL; SQLite has one writer anyway),
so two imports, or an import and a grant, never interleave.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime

from sqlalchemy import (
    ColumnElement,
    Connection,
    Table,
    delete,
    func,
    insert,
    select,
    tuple_,
    update,
)

from domain.errors import DomainError
from domain.ids import key
from domain.model.org import Identity, OrgData
from domain.ports import SyncReport
from domain.store.assemble import org_from_rows
from domain.store.gcpause import gc_paused
from domain.store.org_read import read_tables
from domain.store.org_tables import ORG_TABLES, org_grants, org_identities, org_settings
from domain.store.org_write import apply_diffs
from domain.store.snapshot import (
    diff_org,
    grant_row,
    grant_rows,
    identity_row,
    keyed,
    org_rows,
    sync_report,
)


class SqlOrgRepository:
    def __init__(self, connection: Callable[[], Connection]) -> None:
        self._conn = connection

    def load(self) -> OrgData | None:
        self._lock(shared=True)  # PostgreSQL: no import can commit halfway through the read
        with gc_paused():
            tables = read_tables(self._conn())
            return org_from_rows(tables) if tables["org"] else None

    def replace(self, data: OrgData) -> SyncReport:
        self._lock()
        with gc_paused():
            stored = {name: keyed(name, rows) for name, rows in read_tables(self._conn()).items()}
            diffs = diff_org(stored, org_rows(data))
        apply_diffs(self._conn(), diffs)
        if any(d.changed for d in diffs.values()):
            self._bump()
        return sync_report(diffs)

    def version(self) -> int:
        return int(self._conn().scalar(select(org_settings.c.version)) or 0)

    def add_grant(self, identity_id: str, entitlement_id: str, expires: datetime | None) -> None:
        self._lock()
        ident = self._identity_key(identity_id)
        self._drop_grant(ident, entitlement_id)
        held_by = org_grants.c.identity_key == ident
        row = grant_row(identity_id, entitlement_id, expires, self._next(org_grants, held_by))
        self._conn().execute(insert(org_grants), row)
        self._bump()

    def remove_grant(self, identity_id: str, entitlement_id: str) -> None:
        self.remove_grants([(identity_id, entitlement_id)])

    def remove_grants(self, grants: Sequence[tuple[str, str]]) -> None:
        """One lock, one lookup, one DELETE and one version bump for all of them."""
        if not grants:
            return
        self._lock()
        conn = self._conn()
        wanted = {key(i) for i, _ in grants}
        found = set(
            conn.scalars(select(org_identities.c.key).where(org_identities.c.key.in_(wanted)))
        )
        for identity_id, _ in grants:
            if key(identity_id) not in found:
                raise DomainError(f"no identity {identity_id}", code="unknown_identity")
        pairs = sorted({(key(i), key(e)) for i, e in grants})
        conn.execute(
            delete(org_grants).where(
                tuple_(org_grants.c.identity_key, org_grants.c.entitlement_key).in_(pairs)
            )
        )
        self._bump()

    def add_identity(self, identity: Identity) -> None:
        self._lock()
        conn = self._conn()
        exists = select(org_identities.c.key).where(org_identities.c.key == key(identity.id))
        if conn.scalar(exists) is not None:
            raise DomainError(f"account {identity.id} exists already", code="duplicate_identity")
        conn.execute(insert(org_identities), identity_row(identity, self._next(org_identities)))
        grants = list(grant_rows(identity))
        if grants:
            conn.execute(insert(org_grants), grants)
        self._bump()

    def _lock(self, *, shared: bool = False) -> None:
        """Row lock on the settings row (SQLite ignores it: it has one writer anyway)."""
        self._conn().execute(select(org_settings.c.id).with_for_update(read=shared))

    def _bump(self) -> None:
        self._conn().execute(update(org_settings).values(version=org_settings.c.version + 1))

    def _identity_key(self, identity_id: str) -> str:
        found = self._conn().scalar(
            select(org_identities.c.key).where(org_identities.c.key == key(identity_id))
        )
        if found is None:
            raise DomainError(f"no identity {identity_id}", code="unknown_identity")
        return str(found)

    def _drop_grant(self, identity_key: str, entitlement_id: str) -> None:
        self._conn().execute(
            delete(org_grants).where(
                org_grants.c.identity_key == identity_key,
                org_grants.c.entitlement_key == key(entitlement_id),
            )
        )

    def _next(self, table: Table, where: ColumnElement[bool] | None = None) -> int:
        """The position after the last row (of one parent), so an addition lists last."""
        query = select(func.coalesce(func.max(table.c.position) + 1, 0))
        if where is not None:
            query = query.where(where)
        return int(self._conn().scalar(query) or 0)


__all__ = ["ORG_TABLES", "SqlOrgRepository"]
