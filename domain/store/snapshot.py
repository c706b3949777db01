"""An org snapshot as table rows, and the per-table difference between two snapshots.

Pure (no database): the SQL store diffs the rows it reads against `org_rows(new)`,
and `domain.store.memory` diffs two `OrgData`, so both report the same `SyncReport`.
Row dicts use the column names of `domain.store.org_tables`.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from domain.ids import key
from domain.model.org import Identity, OrgData
from domain.ports import SyncReport

Row = dict[str, Any]
Key = tuple[Any, ...]
Rows = dict[Key, Row]

PRIMARY_KEYS: dict[str, tuple[str, ...]] = {
    "org": ("id",),
    "people": ("key",),
    "groups": ("key",),
    "group_members": ("group_key", "person_key"),
    "applications": ("key",),
    "entitlements": ("key",),
    "roles": ("key",),
    "role_entitlements": ("role_key", "entitlement_key"),
    "job_titles": ("key",),
    "job_title_entitlements": ("title_key", "entitlement_key"),
    "identities": ("key",),
    "grants": ("identity_key", "entitlement_key"),
}
"""Report name → primary key columns; the order is parents before children."""

SETTINGS_ID = 1


def row_key(table: str, row: Row) -> Key:
    return tuple(row[c] for c in PRIMARY_KEYS[table])


def keyed(table: str, rows: Iterable[Row]) -> Rows:
    """Rows by primary key; a repeated key keeps its first row (as lookups do)."""
    out: Rows = {}
    for row in rows:
        out.setdefault(row_key(table, row), row)
    return out


def org_rows(data: OrgData) -> dict[str, Rows]:
    generated = {
        "org": [{"id": SETTINGS_ID, **data.org.model_dump(mode="json")}],
        "people": list(_people(data)),
        "groups": [
            {"key": key(name), "name": name, "position": n} for n, name in enumerate(data.groups)
        ],
        "group_members": list(_members(data)),
        "applications": list(_applications(data)),
        "entitlements": list(_entitlements(data)),
        "roles": [
            {"key": key(r.id), "id": r.id, "position": n, "name": r.name}
            for n, r in enumerate(data.roles)
        ],
        "role_entitlements": list(
            _bundle("role_key", ((r.id, r.entitlements) for r in data.roles))
        ),
        "job_titles": [
            {"key": key(t), "title": t, "position": n} for n, t in enumerate(data.job_titles)
        ],
        "job_title_entitlements": list(_bundle("title_key", data.job_titles.items())),
        "identities": list(_identities(data)),
        "grants": list(_grants(data)),
    }
    return {table: keyed(table, rows) for table, rows in generated.items()}


def _people(data: OrgData) -> Iterator[Row]:
    for n, p in enumerate(data.people):
        yield {"key": key(p.id), "position": n, **p.model_dump(mode="json")}


def _members(data: OrgData) -> Iterator[Row]:
    for name, members in data.groups.items():
        for n, person in enumerate(members):
            yield {
                "group_key": key(name),
                "person_key": key(person),
                "person": person,
                "position": n,
            }


def _applications(data: OrgData) -> Iterator[Row]:
    for n, app in enumerate(data.applications):
        row = app.model_dump(mode="json", exclude={"entitlements", "connector"})
        row["connector"] = app.connector.model_dump(exclude_none=True) if app.connector else None
        yield {"key": key(app.id), "position": n, **row}


def _entitlements(data: OrgData) -> Iterator[Row]:
    for app in data.applications:
        for n, ent in enumerate(app.entitlements):
            row = ent.model_dump(mode="json")
            yield {"key": key(ent.id), "app_key": key(app.id), "position": n, **row}


def _bundle(parent: str, bundles: Iterable[tuple[str, list[str]]]) -> Iterator[Row]:
    for owner, entitlements in bundles:
        for n, ent in enumerate(entitlements):
            yield {
                parent: key(owner),
                "entitlement_key": key(ent),
                "entitlement": ent,
                "position": n,
            }


def _identities(data: OrgData) -> Iterator[Row]:
    for n, ident in enumerate(data.identities):
        yield identity_row(ident, n)


def identity_row(ident: Identity, position: int) -> Row:
    return {
        "key": key(ident.id),
        "app": ident.app,
        "username": ident.username,
        "position": position,
        "person": ident.person,
        "person_key": key(ident.person) if ident.person else None,
        "kind": ident.kind.value,
    }


def _grants(data: OrgData) -> Iterator[Row]:
    for ident in data.identities:
        yield from grant_rows(ident)


def grant_rows(ident: Identity) -> Iterator[Row]:
    for n, grant in enumerate(ident.grants):
        yield grant_row(ident.id, grant.entitlement, grant.expires, n)


def grant_row(identity_id: str, entitlement: str, expires: datetime | None, position: int) -> Row:
    return {
        "identity_key": key(identity_id),
        "entitlement_key": key(entitlement),
        "entitlement": entitlement,
        "expires": expires,
        "position": position,
    }


@dataclass
class TableDiff:
    """`updated` rows changed content; `moved` rows changed only their place in a list
    (they are rewritten but not reported: the report counts business changes)."""

    added: list[Row] = field(default_factory=list)
    updated: list[Row] = field(default_factory=list)
    moved: list[Row] = field(default_factory=list)
    removed: list[Key] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return bool(self.added or self.updated or self.moved or self.removed)

    def counts(self) -> tuple[int, int, int]:
        return len(self.added), len(self.updated), len(self.removed)


def diff_table(old: Rows, new: Rows) -> TableDiff:
    diff = TableDiff(removed=[k for k in old if k not in new])
    for k, row in new.items():
        before = old.get(k)
        if before is None:
            diff.added.append(row)
        elif _content(before) != _content(row):
            diff.updated.append(row)
        elif before.get("position") != row.get("position"):
            diff.moved.append(row)
    return diff


def _content(row: Row) -> Row:
    return {c: v for c, v in row.items() if c != "position"}


def diff_org(old: dict[str, Rows], new: dict[str, Rows]) -> dict[str, TableDiff]:
    return {table: diff_table(old.get(table, {}), new[table]) for table in PRIMARY_KEYS}


def sync_report(diffs: dict[str, TableDiff]) -> SyncReport:
    return SyncReport({table: diff.counts() for table, diff in diffs.items()})
