"""GET /audit: a request's whole trail in one call, for whoever holds the audit token."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from domain.ports import FixedClock
from slack_app.agent_wiring import build_runner
from slack_app.blocks.ids import Action
from slack_app.bootstrap import build_runtime
from slack_app.settings import Settings
from slack_app.testing.signing import SECRET
from slack_app.testing.slack_api import FakeSlackAPI
from slack_app.web.server import create_app
from tests.scenario.conftest import NOW
from tests.scenario.flows import submitted, updated
from tests.scenario.harness import SlackHarness, button

TOKEN = "audit-s3cret"
AUTH = {"Authorization": f"Bearer {TOKEN}"}


def app_with(tmp_path: Path, slack_api: FakeSlackAPI, token: str | None) -> Iterator[SlackHarness]:
    settings = Settings(
        database_url=f"sqlite:///{tmp_path / 'app.db'}",
        slack_signing_secret=SECRET,
        slack_bot_token="xoxb-test",
        slack_api_url=slack_api.url,
        model="offline",
        audit_token=token,
    )
    runtime = build_runtime(settings, clock=FixedClock(NOW))
    app = create_app(settings, runtime=runtime, runner=build_runner(runtime))
    with TestClient(app) as http:
        yield SlackHarness(http, slack_api, runtime)


@pytest.fixture
def audited(tmp_path: Path, slack_api: FakeSlackAPI) -> Iterator[SlackHarness]:
    yield from app_with(tmp_path, slack_api, TOKEN)


def test_a_requests_whole_trail_in_one_call(audited: SlackHarness) -> None:
    h = audited
    rid, dana_dm = submitted(h)
    h.click("U01DANA", button(dana_dm.payload, Action.APPROVE), channel="D01DANA", ts=dana_dm.ts)
    updated(h, dana_dm)
    answer = h.http.get("/audit", params={"request": rid}, headers=AUTH)
    assert answer.status_code == 200
    assert answer.headers["content-type"] == "application/json"
    trail = answer.json()
    actions = [e["action"] for e in trail]
    assert actions[0] == "request.submitted" and "step.approved" in actions
    assert {e["request_id"] for e in trail} == {rid}
    assert [e["seq"] for e in trail] == sorted(e["seq"] for e in trail)
    csv_answer = h.http.get("/audit", params={"request": rid, "format": "csv"}, headers=AUTH)
    rows = list(csv.DictReader(io.StringIO(csv_answer.text)))
    assert [r["action"] for r in rows] == actions
    assert csv_answer.headers["content-type"].startswith("text/csv")


def test_since_narrows_and_a_bad_date_is_400(audited: SlackHarness) -> None:
    everything = audited.http.get("/audit", headers=AUTH).json()
    assert [e["action"] for e in everything] == ["org.imported"]  # the demo org at start
    later = audited.http.get("/audit", params={"since": "2026-03-05"}, headers=AUTH)
    assert later.json() == []
    bad = audited.http.get("/audit", params={"since": "soon"}, headers=AUTH)
    assert bad.status_code == 400


@pytest.mark.parametrize(
    "headers",
    [{}, {"Authorization": "Bearer wrong"}, {"Authorization": f"Basic {TOKEN}"}],
)
def test_without_the_token_it_is_401(audited: SlackHarness, headers: dict[str, str]) -> None:
    answer = audited.http.get("/audit", headers=headers)
    assert answer.status_code == 401 and answer.headers["www-authenticate"] == "Bearer"


def test_no_token_configured_no_audit_page(tmp_path: Path, slack_api: FakeSlackAPI) -> None:
    for h in app_with(tmp_path, slack_api, None):
        assert h.http.get("/audit", headers=AUTH).status_code == 404
