"""Reading the org tables whole, with set-based selects (one per table)."""

from __future__ import annotations

from sqlalchemy import Connection, select

from domain.store.org_tables import ORG_TABLES
from domain.store.snapshot import Row


def read_tables(conn: Connection) -> dict[str, list[Row]]:
    """Every org row as a dict of its snapshot columns, each table in list order.

    Sorting by `position` alone is enough for child tables too: grouping the rows by
    parent afterwards keeps each parent's children in position order.
    """
    out: dict[str, list[Row]] = {}
    for name, table in ORG_TABLES.items():
        columns = [c for c in table.c if c.name != "version"]
        order = [table.c[n] for n in ("position", "key") if n in table.c]
        result = conn.execute(select(*columns).order_by(*order))
        names = list(result.keys())
        out[name] = [dict(zip(names, row, strict=True)) for row in result.all()]
    return out
