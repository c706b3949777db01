"""Channel alerts through the whole app and the loopback Slack API: after an org import,
each terminated person who still holds access is posted once in the alerts channel;
the button opens a revoke request for whoever clicks and may ask for it."""

from __future__ import annotations

from collections.abc import Iterator
from functools import partial
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from domain.model.requests import RequestKind, State
from domain.ports import FixedClock
from slack_app.agent_wiring import build_runner
from slack_app.blocks.ids import Action
from slack_app.bootstrap import build_runtime
from slack_app.testing.slack_api import FakeSlackAPI
from slack_app.web.server import create_app
from slack_app.worker import scheduler
from tests.scenario.conftest import NOW
from tests.scenario.flows import requests_of
from tests.scenario.harness import SlackHarness, button
from tests.scenario.test_expiry import WARN, settings_for

ALERTS = "C0ALERTS"
DANA, ALEX = "U01DANA", "U01ALEX"
TOM = "tom.becker@acme.test"  # terminated in the demo org, still holding a lot


@pytest.fixture
def slack(tmp_path: Path, slack_api: FakeSlackAPI) -> Iterator[SlackHarness]:
    settings = settings_for(
        tmp_path, slack_api, scheduler_interval_seconds=0, alerts_channel=ALERTS
    )
    runtime = build_runtime(settings, clock=FixedClock(NOW))
    app = create_app(settings, runtime=runtime, runner=build_runner(runtime))
    with TestClient(app) as http:
        yield SlackHarness(http, slack_api, runtime)


def tick(h: SlackHarness) -> None:
    deps = h.http.app.state.deps  # type: ignore[attr-defined]
    h.http.portal.call(partial(scheduler.tick, deps, warn_before=WARN))  # type: ignore[union-attr]


def alerts(h: SlackHarness) -> list[dict[str, object]]:
    return [
        c.response | {"payload": c.body}
        for c in h.slack.all_calls("chat.postMessage")
        if c.body.get("channel") == ALERTS and c.response
    ]


def test_leftover_access_is_alerted_once_and_its_button_opens_a_revoke(
    slack: SlackHarness,
) -> None:
    h = slack
    tick(h)
    posted = alerts(h)
    about_tom = [a for a in posted if "Tom Becker" in str(a["payload"]["text"])]  # type: ignore[index]
    assert len(about_tom) == 1
    tick(h)
    assert len(alerts(h)) == len(posted)  # once per cause
    with h.runtime.uow() as uow:
        audited = [
            e.data["person"] for e in uow.audit.since(0) if e.action == "alert.leftover_access"
        ]
    assert audited.count(TOM) == 1

    alert = about_tom[0]
    payload = alert["payload"]
    revoke = button(payload, Action.REVOKE_LEFTOVERS)  # type: ignore[arg-type]
    h.click(ALEX, revoke, channel=ALERTS, ts=str(alert["ts"]))  # a peer may not
    h.slack.wait_for(
        "chat.postEphemeral", lambda b: "No revoke request opened" in b.get("text", "")
    )
    assert requests_of(h, "alex.meyer@acme.test") == []

    h.click(DANA, revoke, channel=ALERTS, ts=str(alert["ts"]))  # his last manager may
    h.slack.wait_for("chat.postEphemeral", lambda b: "Revoke request opened" in b.get("text", ""))
    made = requests_of(h, "dana.kim@acme.test")
    assert made and {(r.kind, r.beneficiary, r.state) for r in made} == {
        (RequestKind.REVOKE, TOM, State.SUBMITTED)
    }
    redrawn = h.slack.wait_for("chat.update", lambda b: b.get("ts") == alert["ts"])[-1]
    assert "opened a revoke request" in redrawn["text"]
    assert not any(b.get("type") == "actions" for b in redrawn["blocks"])
