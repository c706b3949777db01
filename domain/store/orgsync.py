"""Org import and export: the use cases behind `access-agent org import|export`.

An import is checked again here (a connector may hand over an `OrgData` that never
went through `parse_org`), then synced and audited in one transaction: either the
org changes and "org.imported" says how, or nothing changes at all.

`sync_org` reads a file and imports it; when that fails (unreadable, invalid, or refused
mid-import), the rollback is followed by a transaction of its own that records
"org.import_failed" with the error and the file, so the alerts channel hears of it
(`domain.usecases.failed_imports`) even when the process that tried stops right there.
"""

from __future__ import annotations

from collections.abc import Callable

from domain.errors import InvalidOrgData
from domain.model.lifecycle import record
from domain.model.org import OrgData
from domain.orgdata.orgcheck import check_references
from domain.ports import Clock, SyncReport, UnitOfWork
from domain.usecases.failed_imports import record_failed_import


def sync_org(
    uow: UnitOfWork, read: Callable[[], OrgData], *, source: str, actor: str, clock: Clock
) -> SyncReport:
    """Import what `read` returns; a failure is recorded, then raised as it was."""
    try:
        return import_org(uow, read(), actor=actor, clock=clock)
    except Exception as exc:
        record_failed_import(uow, exc, source=source, actor=actor, clock=clock)
        raise


def import_org(uow: UnitOfWork, data: OrgData, *, actor: str, clock: Clock) -> SyncReport:
    problems = check_references(data)
    if problems:
        raise InvalidOrgData(problems)
    with uow:
        report = uow.org.replace(data)
        record(
            uow,
            at=clock.now(),
            actor=actor,
            action="org.imported",
            org=data.org.name,
            summary=report.summary(),
            changes={
                table: list(counts) for table, counts in report.changes.items() if any(counts)
            },
        )
        uow.commit()
    return report


def export_org(uow: UnitOfWork) -> OrgData | None:
    """The stored org as an org file model, or None before the first import."""
    with uow:
        return uow.org.load()
