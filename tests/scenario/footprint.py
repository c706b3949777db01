"""What a request left behind in the store and in Slack: a refused request must leave
nothing (no inbox job, no request, no audit row, no idempotency key, no Slack call)."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import text

from tests.scenario.harness import SlackHarness

TABLES = ("inbox_jobs", "requests", "audit_events", "idempotency_keys")


@dataclass(frozen=True)
class Footprint:
    rows: tuple[int, ...]  # row counts of TABLES
    slack_calls: int


def footprint(h: SlackHarness) -> Footprint:
    with h.runtime.engine.connect() as conn:
        rows = tuple(
            int(conn.execute(text(f"SELECT COUNT(*) FROM {t}")).scalar_one()) for t in TABLES
        )
    return Footprint(rows, len(h.slack.calls()))
