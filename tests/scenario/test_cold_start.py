"""A fresh process asks Slack who it is (auth.test) once, not once per request.

Bolt's single-workspace authorization calls auth.test lazily and caches the answer
only when it returns: a burst at start-up made one call per request, each ack waiting
on it. Now `serve` authorizes at start-up, and every request of both Bolt apps (the
front's and the inbox worker's) shares that one answer, or the one call in flight.
"""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import text

from slack_app.blocks.ids import Action
from slack_app.settings import Settings
from slack_app.testing.signing import SECRET
from slack_app.testing.slack_api import FakeSlackAPI
from slack_app.web.server import create_app
from tests.scenario.conftest import started_app
from tests.scenario.harness import SlackHarness

BURST = 50
SLOW = 0.5  # seconds Slack takes to answer auth.test


@pytest.fixture
def cold(tmp_path: Path, slack_api: FakeSlackAPI) -> Iterator[SlackHarness]:
    """The whole app, started against a Slack whose auth.test is slow."""
    slack_api.slow("auth.test", SLOW)
    yield from started_app(tmp_path, slack_api)


@pytest.fixture
def slack_down_at_start(tmp_path: Path, slack_api: FakeSlackAPI) -> Iterator[SlackHarness]:
    slack_api.slow("auth.test", SLOW)
    slack_api.fail_once("auth.test", 500)
    yield from started_app(tmp_path, slack_api)


def burst(h: SlackHarness) -> list[int]:
    """BURST clicks at once on a control that is only acked (the card's reason select)."""
    select = {"type": "static_select", "action_id": Action.REASON_SELECT, "value": None}

    def click(i: int) -> int:
        answer = h.click("U01ALEX", select, channel="D01ALEX", ts=f"1767225600.{i:06d}")
        return answer.status_code

    with ThreadPoolExecutor(BURST) as pool:
        return list(pool.map(click, range(BURST)))


def home_event(h: SlackHarness) -> None:
    """An event through the inbox worker's Bolt app; waits until the job is done."""
    event = {"type": "app_home_opened", "user": "U01ALEX", "tab": "messages"}
    assert h.event(event).status_code == 200
    deadline = time.monotonic() + 10
    query = text("SELECT COUNT(*) FROM inbox_jobs WHERE done_at IS NULL")
    while time.monotonic() < deadline:
        with h.runtime.engine.connect() as conn:
            if conn.execute(query).scalar_one() == 0:
                return
        time.sleep(0.05)
    raise AssertionError("the inbox job was not done in 10 s")


def test_a_burst_at_start_up_makes_one_auth_test_call(cold: SlackHarness) -> None:
    assert burst(cold) == [200] * BURST
    home_event(cold)
    assert len(cold.slack.calls("auth.test")) == 1


def test_when_slack_was_down_at_start_up_a_burst_shares_one_call(
    slack_down_at_start: SlackHarness,
) -> None:
    h = slack_down_at_start
    assert burst(h) == [200] * BURST
    home_event(h)
    calls = h.slack.all_calls("auth.test")
    assert [c.status for c in calls] == [500, 200]  # the failed start, then one for all


def test_the_event_worker_shares_the_answer(cold: SlackHarness) -> None:
    home_event(cold)
    burst(cold)
    assert len(cold.slack.calls("auth.test")) == 1


def test_the_app_gives_back_the_checkpoint_store_when_it_stops(
    tmp_path: Path, slack_api: FakeSlackAPI
) -> None:
    """Run by uvicorn's factory there is no `serve` command around the app to close what
    it holds: its lifespan does, once, however often `close` is called."""
    settings = Settings(
        database_url=f"sqlite:///{tmp_path / 'app.db'}",
        slack_signing_secret=SECRET,
        slack_bot_token="xoxb-test",
        slack_api_url=slack_api.url,
        model="offline",
    )
    app = create_app(settings)
    saved = app.state.deps.runner.graph.checkpointer
    with TestClient(app):
        saved.conn.execute("SELECT 1")
    with pytest.raises(sqlite3.ProgrammingError):  # closed
        saved.conn.execute("SELECT 1")
    app.state.deps.close()  # `serve` closes them too: nothing happens twice
