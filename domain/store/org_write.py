"""Applying a snapshot diff to the org tables: executemany per table and kind of change.

Inserts and updates go parents first, deletes children first, so the foreign keys
between parent and child tables hold at every statement.
"""

from __future__ import annotations

from sqlalchemy import ColumnElement, Connection, and_, bindparam, delete, insert, update

from domain.store.org_tables import ORG_TABLES
from domain.store.snapshot import PRIMARY_KEYS, Key, Row, TableDiff


def apply_diffs(conn: Connection, diffs: dict[str, TableDiff]) -> None:
    for name, diff in diffs.items():
        if diff.added:
            conn.execute(insert(ORG_TABLES[name]), diff.added)
        changed = diff.updated + diff.moved
        if changed:
            _update(conn, name, changed)
    for name, diff in reversed(diffs.items()):
        if diff.removed:
            _delete(conn, name, diff.removed)


def _pk_where(name: str) -> ColumnElement[bool]:
    table = ORG_TABLES[name]
    return and_(*(table.c[c] == bindparam(f"pk_{c}") for c in PRIMARY_KEYS[name]))


def _update(conn: Connection, name: str, rows: list[Row]) -> None:
    pk = PRIMARY_KEYS[name]
    params = [
        {**{f"pk_{c}": row[c] for c in pk}, **{c: v for c, v in row.items() if c not in pk}}
        for row in rows
    ]
    conn.execute(update(ORG_TABLES[name]).where(_pk_where(name)), params)


def _delete(conn: Connection, name: str, keys: list[Key]) -> None:
    pk = PRIMARY_KEYS[name]
    params = [{f"pk_{c}": v for c, v in zip(pk, k, strict=True)} for k in keys]
    conn.execute(delete(ORG_TABLES[name]).where(_pk_where(name)), params)
