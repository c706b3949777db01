"""Which failures of an inbox job are worth a quick retry (`slack.inbox_failures`)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import psycopg
import pytest
from sqlalchemy.exc import OperationalError

from domain.ports import Job
from slack_app.worker.inbox_failures import retry_in, transient

DROPPED = "consuming input failed: server closed the connection unexpectedly"


@pytest.mark.parametrize(
    "error",
    [
        OperationalError("SELECT 1", {}, Exception(DROPPED)),  # the app's store (SQLAlchemy)
        psycopg.OperationalError(DROPPED),  # the pooled checkpointer speaks psycopg itself
        psycopg.errors.AdminShutdown("terminating connection due to administrator command"),
    ],
)
def test_a_database_that_was_away_is_transient(error: BaseException) -> None:
    assert transient(error)
    job = Job(1, "slack:event:Ev1", "slack.event", "{}", datetime.now(UTC), attempts=1)
    assert retry_in(job, error) == timedelta(seconds=2)


@pytest.mark.parametrize(
    "error", [ValueError("bad payload"), KeyError("user"), psycopg.errors.UndefinedTable("x")]
)
def test_a_bug_is_not(error: BaseException) -> None:
    assert not transient(error)
