"""The fuzz tests' profiles and app.

    pytest tests/fuzz                              # "ci": 200 examples per test, about a minute
    HYPOTHESIS_PROFILE=long pytest tests/fuzz      # 5,000 examples per test

Each test gets a whole app of its own (the real FastAPI app on a temp SQLite database
with the demo org, the offline model and the loopback fake Slack API), started once
and fed every example of the test.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, settings

from domain.ports import FixedClock
from slack_app.agent_wiring import build_runner
from slack_app.bootstrap import build_runtime
from slack_app.settings import Settings
from slack_app.testing.signing import SECRET
from slack_app.testing.slack_api import FakeSlackAPI
from slack_app.web.server import create_app
from tests.scenario.conftest import NOW
from tests.scenario.harness import SlackHarness

_COMMON = {
    "deadline": None,
    "print_blob": True,
    "suppress_health_check": [HealthCheck.too_slow, HealthCheck.data_too_large],
}
settings.register_profile("ci", max_examples=200, **_COMMON)  # type: ignore[arg-type]
settings.register_profile("long", max_examples=5000, **_COMMON)  # type: ignore[arg-type]
PROFILE = os.environ.get("HYPOTHESIS_PROFILE", "ci")


@pytest.fixture
def fuzz_settings() -> settings:
    return settings.get_profile(PROFILE)


@pytest.fixture
def app(tmp_path: Path, slack_api: FakeSlackAPI) -> Iterator[SlackHarness]:
    config = Settings(
        database_url=f"sqlite:///{tmp_path / 'fuzz.db'}",
        slack_signing_secret=SECRET,
        slack_bot_token="xoxb-test",
        slack_api_url=slack_api.url,
        model="offline",
    )
    runtime = build_runtime(config, clock=FixedClock(NOW))
    with TestClient(create_app(config, runtime=runtime, runner=build_runner(runtime))) as http:
        yield SlackHarness(http, slack_api, runtime)
