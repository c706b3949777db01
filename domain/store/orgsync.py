"""Org import and export: the use cases behind `access-agent org import|export`.

An import is checked again here (a connector may hand over an `OrgData` that never
went through `parse_org`), then synced and audited in one transaction: either the
org changes and "org.imported" says how, or nothing changes at all.
"""

from __future__ import annotations

from domain.errors import InvalidOrgData
from domain.model.lifecycle import record
from domain.model.org import OrgData
from domain.orgdata.orgcheck import check_references
from domain.ports import Clock, SyncReport, UnitOfWork


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
