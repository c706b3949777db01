"""The whole app on a temp SQLite database with the demo org, the offline model, and
the Web API client pointed at the loopback fake. Time in the domain is fixed; the
signatures use the wall clock, as Slack's do."""

from __future__ import annotations

import time
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from domain.ports import FixedClock
from slack_app.agent_wiring import build_runner
from slack_app.bootstrap import build_runtime
from slack_app.settings import Settings
from slack_app.testing.signing import SECRET
from slack_app.testing.slack_api import FakeSlackAPI
from slack_app.web.metrics import Metrics
from slack_app.web.server import create_app
from tests.scenario.harness import SlackHarness

NOW = datetime(2026, 3, 4, 15, 0, tzinfo=UTC)  # Wednesday 16:00 in Berlin


@pytest.fixture
def slack(tmp_path: Path, slack_api: FakeSlackAPI) -> Iterator[SlackHarness]:
    yield from started_app(tmp_path, slack_api)


def started_app(tmp_path: Path, slack_api: FakeSlackAPI) -> Iterator[SlackHarness]:
    """The whole app against `slack_api`, started (lifespan run) and stopped after."""
    settings = Settings(
        database_url=f"sqlite:///{tmp_path / 'app.db'}",
        slack_signing_secret=SECRET,
        slack_bot_token="xoxb-test",
        slack_api_url=slack_api.url,
        model="offline",
    )
    runtime = build_runtime(settings, clock=FixedClock(NOW))
    app = create_app(settings, runtime=runtime, runner=build_runner(runtime))
    with TestClient(app) as http:
        _first_tick_done(app.state.deps.metrics)
        yield SlackHarness(http, slack_api, runtime)


def _first_tick_done(metrics: Metrics, timeout: float = 30.0) -> None:
    """The scheduler loop ticks once at start-up, then every minute: wait for that first
    tick, so a test that moves the clock and ticks itself is never raced by it."""
    deadline = time.monotonic() + timeout
    ticks = "access_agent_scheduler_ticks_total"
    while metrics.sample(ticks, outcome="ok") + metrics.sample(ticks, outcome="failed") < 1:
        assert time.monotonic() < deadline, "the scheduler's first tick never ran"
        time.sleep(0.01)
