"""Two `serve` replicas on one PostgreSQL database agree on which card is current.

serve 1 runs the inbox worker (it answers the DM and does the clicks); serve 2 takes
events in only and answers `/access` itself. Card A comes from serve 1's worker, card
B from serve 2: Cancel on A must not cancel the conversation (A is the "replaced" note
now, on every replica) and Submit on B must submit. Real processes, real HTTP, signed
requests, the loopback Slack Web API; a database of its own, created empty.
"""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import httpx
import pytest

from domain.store.engine import make_engine
from domain.store.uow import SqlUnitOfWork
from slack_app.blocks.ids import Action
from slack_app.slackapi.replies import SUPERSEDED
from slack_app.testing.signing import SECRET, sign
from slack_app.testing.slack_api import FakeSlackAPI
from tests.integration.conftest import fresh_postgres_database
from tests.scenario.harness import button, has_action
from tests.scenario.test_crash import App, wait_until
from tests.scenario.test_serve_cli import _free_port

pytestmark = [pytest.mark.postgres, pytest.mark.timeout(180)]
ALEX = "U01ALEX"
WAIT = 30  # seconds: a turn or a click, on a loaded machine


@pytest.fixture
def database() -> Iterator[str]:
    """The URL of a new, empty database on DATABASE_URL's server."""
    yield from fresh_postgres_database("cards")


def replica(tmp_path: Path, name: str, url: str, slack_api: FakeSlackAPI, **extra: str) -> App:
    home = tmp_path / name
    home.mkdir()
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "ACCESS_AGENT_MODEL": "offline",
        "SLACK_BOT_TOKEN": "xoxb-test",
        "SLACK_SIGNING_SECRET": SECRET,
        "SLACK_API_URL": slack_api.url,
        "ACCESS_AGENT_WORKER_POLL": "0.2",
        "SCHEDULER_INTERVAL_SECONDS": "0",
        **extra,
    }
    for unset in ("OPENAI_API_KEY", "SLACK_APP_TOKEN"):
        env.pop(unset, None)
    return App(home, env, port=_free_port())


def command(app: App, user: str, words: str) -> None:
    form = {"team_id": "T01ACME", "channel_id": "C01GENERAL", "user_id": user}
    form |= {"command": "/access", "text": words, "trigger_id": f"trig.{time.time_ns()}"}
    body = urlencode(form)
    now = int(time.time())
    headers = {"Content-Type": "application/x-www-form-urlencoded"}
    headers |= {"X-Slack-Request-Timestamp": str(now), "X-Slack-Signature": sign(body, now)}
    answer = httpx.post(f"{app.base}/slack/events", content=body, headers=headers, timeout=5)
    assert answer.status_code == 200, answer.text


def cards(slack_api: FakeSlackAPI, count: int) -> list[dict[str, Any]]:
    return slack_api.wait_for("chat.update", has_action(Action.SUBMIT), count=count, timeout=WAIT)


def updates_of(slack_api: FakeSlackAPI, card: dict[str, Any]) -> list[str]:
    return [str(u["text"]) for u in slack_api.calls("chat.update") if u["ts"] == card["ts"]]


def test_cancel_on_a_card_replaced_on_another_replica_cancels_nothing(
    database: str, tmp_path: Path, slack_api: FakeSlackAPI
) -> None:
    one = replica(tmp_path, "one", database, slack_api)
    two = replica(tmp_path, "two", database, slack_api, ACCESS_AGENT_WORKER="off")
    try:
        one.start()
        two.start()
        two.dm(ALEX, "github write for 3 days", "EvCARDS1")  # taken in; serve 1's worker
        (a,) = cards(slack_api, 1)
        command(two, ALEX, "make it 9 days")  # answered by serve 2 itself
        b = cards(slack_api, 2)[-1]
        assert b["ts"] != a["ts"] and b["channel"] == a["channel"]

        seen = len(updates_of(slack_api, a))
        two.click(ALEX, button(a, Action.CANCEL), at=(a["channel"], a["ts"]))
        wait_until(lambda: len(updates_of(slack_api, a)) > seen, WAIT, "card A answered")
        assert updates_of(slack_api, a)[-1] == SUPERSEDED  # not "Cancelled: …"

        reason = {"type": "static_select", "selected_option": {"value": "New project"}}
        state = {Action.REASON_SELECT: {Action.REASON_SELECT: reason}}
        one.click(ALEX, button(b, Action.SUBMIT), at=(b["channel"], b["ts"]), **state)
        wait_until(lambda: len(updates_of(slack_api, b)) > 1, WAIT, "card B answered")
    finally:
        two.stop()
        one.stop()
    assert updates_of(slack_api, b)[-1].startswith("Submitted: "), updates_of(slack_api, b)
    assert not any("Cancelled" in t for t in updates_of(slack_api, a))
    assert slack_api.calls("chat.postEphemeral") == []
    engine = make_engine(database)
    try:
        with SqlUnitOfWork(engine) as uow:
            (made,) = uow.requests.by_requester("alex.meyer@acme.test")
    finally:
        engine.dispose()
    assert made.state == "submitted"
