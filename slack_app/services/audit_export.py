"""The audit trail as an auditor reads it: CSV or JSON, one request's or all of it,
from a date on. `access-agent audit export` and `GET /audit` both write this."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Iterator
from datetime import UTC, date, datetime
from enum import StrEnum

from domain.model.requests import AuditEvent
from domain.usecases.audit import trail
from slack_app.bootstrap import Runtime

COLUMNS = ("seq", "id", "at", "actor", "action", "request_id", "data", "prev_hash", "hash")


class ExportFormat(StrEnum):
    CSV = "csv"
    JSON = "json"


def parse_since(text: str | None) -> datetime | None:
    """`2026-12-01` (midnight UTC) or an ISO-8601 time (UTC when it names no zone)."""
    if not text:
        return None
    try:
        when = datetime.fromisoformat(text)
    except ValueError:
        when = datetime.combine(date.fromisoformat(text), datetime.min.time())
    return when.replace(tzinfo=UTC) if when.tzinfo is None else when


def export(
    runtime: Runtime,
    fmt: ExportFormat,
    *,
    request_id: str | None = None,
    since: datetime | None = None,
) -> Iterator[str]:
    """The export in chunks (a long trail is streamed, never held whole)."""
    events = trail(runtime.uow(), request_id=request_id, at_from=since)
    return as_csv(events) if fmt is ExportFormat.CSV else as_json(events)


def _fields(event: AuditEvent) -> dict[str, object]:
    return {
        "seq": event.seq,
        "id": event.id,
        "at": event.at.astimezone(UTC).isoformat(),
        "actor": event.actor,
        "action": event.action,
        "request_id": event.request_id,
        "data": event.model_dump(mode="json", include={"data"})["data"],
        "prev_hash": event.prev_hash,
        "hash": event.hash,
    }


def as_json(events: Iterable[AuditEvent]) -> Iterator[str]:
    """A JSON array, one event object per line."""
    yield "["
    for n, event in enumerate(events):
        yield ("," if n else "") + "\n" + json.dumps(_fields(event), ensure_ascii=False)
    yield "\n]\n"


def as_csv(events: Iterable[AuditEvent]) -> Iterator[str]:
    """A header, then one line per event; `data` is its JSON."""
    yield _csv_line(COLUMNS)
    for event in events:
        fields = _fields(event)
        fields["data"] = json.dumps(fields["data"], ensure_ascii=False, sort_keys=True)
        yield _csv_line(["" if fields[c] is None else str(fields[c]) for c in COLUMNS])


def _csv_line(values: Iterable[str]) -> str:
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerow(values)
    return out.getvalue()
