"""Org imports that failed, and their channel alerts.

When the start-up import of ORG_FILE or `access-agent org import` refuses a file
(`domain.store.orgsync.sync_org`), nothing changes, and `record_failed_import` then
writes "org.import_failed" in a transaction of its own: the error, the file and a cause.

`import_failure_alerts` runs on the scheduler tick of whichever process runs one, so a
start-up that failed is still alerted by the next process that starts. Each cause
(`org.import_failed`'s `cause`: the file, the error and the org it failed against) is
alerted once: the key `alert:org_import:<cause>` and the audit event
`alert.org_import_failed` are written in one transaction. Failures older than `RECENT`
are history, not news, and are not alerted.
"""

from __future__ import annotations

import hashlib
import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from domain.errors import DomainError, InvalidOrgData
from domain.model.lifecycle import record
from domain.model.requests import AuditEvent
from domain.ports import Clock, UnitOfWork

IMPORT_FAILED = "org.import_failed"
MAX_PROBLEMS = 20  # kept in the event; `access-agent org validate FILE` lists them all
ALERTED = "alert.org_import_failed"
RECENT = timedelta(days=7)
SYSTEM = "system"
PAGE = 500

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class FailedImport:
    cause: str
    source: str  # the file, as the importer named it
    error: str
    problems: tuple[str, ...]
    at: datetime
    actor: str  # "system" at start-up, "cli" for `org import`


def record_failed_import(
    uow: UnitOfWork, exc: Exception, *, source: str, actor: str, clock: Clock
) -> None:
    """Record `exc`, which stopped the import of `source`. The cause names the file, the
    error and the org it failed against: the same refusal retried (a restart loop) is
    one cause, and after the next good import it is a new one. A store that cannot take
    the record (it is down) is only logged: the caller raises `exc` either way."""
    error = exc.message.split("\n", 1)[0] if isinstance(exc, DomainError) else repr(exc)
    problems = (
        [p[:300] for p in exc.problems[:MAX_PROBLEMS]] if isinstance(exc, InvalidOrgData) else []
    )
    try:
        with uow:
            cause = "\n".join([source, error, *problems, str(uow.org.version())])
            record(
                uow,
                at=clock.now(),
                actor=actor,
                action=IMPORT_FAILED,
                file=source,
                error=error[:500],
                problems=problems,
                cause=hashlib.sha256(cause.encode()).hexdigest()[:24],
            )
            uow.commit()
    except Exception:
        log.exception("could not record the failed import of %s", source)


def alert_key(failure: FailedImport) -> str:
    return f"alert:org_import:{failure.cause}"


def import_failure_alerts(*, uow: UnitOfWork, clock: Clock) -> list[FailedImport]:
    """Claim the failed-import alerts due now (the first failure of each cause); the
    ones this process must post."""
    now = clock.now()
    with uow:
        failures = _first_of_each_cause(_recent(uow, now - RECENT))
    fresh = []
    for failure in failures:
        with uow:
            if not uow.keys.claim(alert_key(failure), now):
                continue
            record(
                uow,
                at=now,
                actor=SYSTEM,
                action=ALERTED,
                cause=failure.cause,
                file=failure.source,
                error=failure.error,
                failed_at=failure.at.isoformat(),
            )
            uow.commit()
        fresh.append(failure)
    return fresh


def _recent(uow: UnitOfWork, since: datetime) -> list[AuditEvent]:
    found: list[AuditEvent] = []
    after = 0
    while page := uow.audit.since(after, limit=PAGE, at_from=since, action=IMPORT_FAILED):
        found += page
        after = page[-1].seq or 0
        if len(page) < PAGE:
            break
    return found


def _first_of_each_cause(events: list[AuditEvent]) -> list[FailedImport]:
    first: dict[str, FailedImport] = {}
    for event in events:
        failure = _failure(event)
        first.setdefault(failure.cause, failure)
    return list(first.values())


def _failure(event: AuditEvent) -> FailedImport:
    data = event.data
    problems = data.get("problems")
    return FailedImport(
        cause=str(data.get("cause") or event.seq),
        source=str(data.get("file", "")),
        error=str(data.get("error", "")),
        problems=tuple(str(p) for p in problems) if isinstance(problems, list) else (),
        at=event.at,
        actor=event.actor,
    )
