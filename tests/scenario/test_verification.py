"""What reaches the listeners: only signed, fresh, well-formed Slack requests."""

from __future__ import annotations

import json
import logging
import time

import pytest

from tests.scenario.flows import card_for
from tests.scenario.harness import SlackHarness

HOME_TAB = {"type": "app_home_opened", "user": "U01ALEX", "tab": "messages"}  # handled, no-op
EVENT = json.dumps({"type": "event_callback", "team_id": "T01ACME", "event": HOME_TAB})


def test_a_bad_signature_is_401_and_reaches_nothing(slack: SlackHarness) -> None:
    response = slack.post(EVENT, "application/json", secret="not-the-secret")
    assert response.status_code == 401
    assert [c.method for c in slack.slack.all_calls()] == ["auth.test"]  # at start-up only


def test_a_timestamp_older_than_five_minutes_is_401(slack: SlackHarness) -> None:
    assert slack.post(EVENT, "application/json", age=6 * 60).status_code == 401
    assert slack.post(EVENT, "application/json", age=60).status_code == 200


def test_url_verification_is_answered(slack: SlackHarness) -> None:
    body = json.dumps({"type": "url_verification", "challenge": "c-123", "token": "t"})
    response = slack.post(body, "application/json")
    assert response.status_code == 200 and response.json()["challenge"] == "c-123"


@pytest.mark.parametrize(
    ("body", "content_type"),
    [
        ('{"type": "event_callback", "event": ', "application/json"),
        ("payload=%7Bnot-json", "application/x-www-form-urlencoded"),
        ("[1, 2, 3]", "application/json"),
        ("\xff\xfe", "application/json"),
    ],
)
def test_a_signed_malformed_payload_is_400_and_logged(
    slack: SlackHarness, body: str, content_type: str, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.WARNING, logger="slack_app.web.server"):
        response = slack.post(body, content_type)
    assert response.status_code == 400
    assert "malformed Slack payload" in caplog.text


def test_health_and_metrics(slack: SlackHarness) -> None:
    assert slack.http.get("/healthz").json() == {"ok": True, "database": "ok"}
    slack.post(EVENT, "application/json", secret="wrong")
    metrics = slack.http.get("/metrics").text
    assert 'access_agent_http_requests_total{endpoint="/slack/events",status="401"} 1' in metrics
    assert "access_agent_slack_ack_seconds_count 1" in metrics
    assert "access_agent_requests_submitted_total 0" in metrics


def test_metrics_count_the_inbox(slack: SlackHarness) -> None:
    h = slack
    card_for(h, "U01ALEX", "github write for 3 days")
    for _ in range(100):  # the job is finished just after the card is posted
        metrics = h.http.get("/metrics").text
        if 'access_agent_inbox_jobs_total{outcome="done"} 1' in metrics:
            break
        time.sleep(0.05)
    assert 'access_agent_inbox_jobs_total{outcome="done"} 1' in metrics
    assert "access_agent_inbox_waiting 0" in metrics
    assert "access_agent_inbox_dead 0" in metrics
