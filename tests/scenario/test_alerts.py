"""Channel alerts through the whole app and the loopback Slack API: after an org import,
each terminated person who still holds access is posted once in the alerts channel;
the button opens a revoke request for whoever clicks and may ask for it. An org file
refused at start-up or by `org import` is posted once by the next process's scheduler."""

from __future__ import annotations

from collections.abc import Iterator
from functools import partial
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from domain.model.requests import RequestKind, State
from domain.orgdata.demo import demo_org_text
from domain.ports import FixedClock
from slack_app.agent_wiring import build_runner
from slack_app.blocks.ids import Action
from slack_app.bootstrap import build_runtime
from slack_app.cli import main
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


def test_a_refused_org_file_stops_the_start_up_and_the_next_process_alerts_it_once(
    tmp_path: Path,
    slack_api: FakeSlackAPI,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    bad = tmp_path / "org.yaml"
    bad.write_text(
        demo_org_text().replace("manager: helena.brandt@acme.test", "manager: nobody@acme.test", 1)
    )
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'app.db'}")
    monkeypatch.setenv("SLACK_BOT_TOKEN", "xoxb-test")
    monkeypatch.setenv("SLACK_API_URL", slack_api.url)
    monkeypatch.setenv("ACCESS_AGENT_ORG_FILE", str(bad))
    assert main(["worker", "--once"]) == 1  # a start-up on a bad file stops, saying why
    assert 'unknown person "nobody@acme.test"' in capsys.readouterr().err
    assert main(["org", "import", str(bad)]) == 1  # the same file, by hand: the same cause
    assert "org data rejected" in capsys.readouterr().err
    monkeypatch.delenv("ACCESS_AGENT_ORG_FILE")

    settings = settings_for(
        tmp_path, slack_api, scheduler_interval_seconds=0, alerts_channel=ALERTS
    )  # the next process: no ORG_FILE, so the demo org
    runtime = build_runtime(settings, clock=FixedClock(NOW))
    app = create_app(settings, runtime=runtime, runner=build_runner(runtime))
    with TestClient(app) as http:
        h = SlackHarness(http, slack_api, runtime)
        tick(h)
        tick(h)
        failed = [a for a in alerts(h) if "Org import failed" in str(a["payload"]["text"])]  # type: ignore[index]
    assert len(failed) == 1
    text = str(failed[0]["payload"]["blocks"])  # type: ignore[index]
    assert str(bad) in text and "the start-up import" in text and "nobody@acme.test" in text
    with runtime.uow() as uow:
        trail = [(e.action, e.actor) for e in uow.audit.since(0) if "import" in e.action]
    assert trail == [
        ("org.import_failed", "system"),
        ("org.import_failed", "cli"),
        ("org.imported", "system"),
        ("alert.org_import_failed", "system"),
    ]
