"""Crash recovery: a real `access-agent serve` is killed with SIGKILL at points of a
turn and of a click, restarted, and every DM it took in is answered exactly once, in
the "Thinking…" message first posted for it, and every click it acked is done once
(one request, one decision, each DM sent once), within a stated bound. (`access-agent worker` runs the
same `InboxWorker`; each process start costs seconds of CI, so serve's inline worker
stands for both.)

Loopback only: the fake Slack Web API, and the fake OpenAI server as a model whose
answers the test releases (so "during a turn" is a point, not a guess). The lease is
short here (LEASE_SECONDS), as an operator may set it; the default is 30 s.

"Answered exactly once" means, per DM: one message posted in the DM (its "Thinking…"),
updated in place with the answer (the same answer may be written twice when the
process died after Slack had it but before the job was finished), never a second
message, never a "Thinking…" left behind, no dead letter.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import httpx
import pytest

from domain.store.engine import make_engine
from domain.store.uow import SqlUnitOfWork
from slack_app.blocks.ids import Action
from slack_app.slackapi.replies import THINKING
from slack_app.testing.openai_server import Behaviour, FakeOpenAIServer, reply
from slack_app.testing.signing import SECRET, sign
from slack_app.testing.slack_api import FakeSlackAPI
from tests.scenario.harness import button, has_action
from tests.scenario.test_serve_cli import _free_port

LEASE_SECONDS = 2
BOUND = LEASE_SECONDS + 8  # restart to answer: the lease lapses, then one turn and its replies
pytestmark = pytest.mark.timeout(120)


class GatedModel:
    """The model: each request waits until the gate is open, then answers chitchat."""

    def __init__(self) -> None:
        self.gate = threading.Event()
        self.server = FakeOpenAIServer(self.answer)

    def answer(self, body: dict[str, Any]) -> Behaviour:
        self.gate.wait(timeout=60)
        return reply({"action": "chitchat"})

    def asked(self) -> int:
        return len(self.server.requests)


@pytest.fixture
def model() -> Iterator[GatedModel]:
    gated = GatedModel()
    with gated.server:
        yield gated
        gated.gate.set()


@dataclass
class App:
    """`serve` processes started one after another on one database."""

    tmp_path: Path
    env: dict[str, str]
    port: int = 0
    process: subprocess.Popen[bytes] | None = None

    def start(self) -> float:
        """Start `access-agent serve …`; when it answered /healthz (time.monotonic())."""
        log = (self.tmp_path / "app.log").open("ab")
        args = [sys.executable, "-m", "slack_app.cli", "serve", "--port", str(self.port)]
        self.process = subprocess.Popen(args, env=self.env, cwd=self.tmp_path, stderr=log)
        self._wait_healthy()
        return time.monotonic()

    def _wait_healthy(self) -> None:
        deadline = time.monotonic() + 60
        while True:
            try:
                httpx.get(f"{self.base}/healthz", timeout=1).raise_for_status()
                return
            except httpx.TransportError:
                assert self.process is not None and self.process.poll() is None, self.log()[-4000:]
                assert time.monotonic() < deadline, "serve did not come up in 60 s"
                time.sleep(0.1)

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def kill(self) -> None:
        assert self.process is not None
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(timeout=10)

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=30)

    def log(self) -> str:
        path = self.tmp_path / "app.log"
        return path.read_text(errors="replace") if path.exists() else ""

    def dm(self, user: str, text: str, event_id: str) -> None:
        event = {"type": "message", "channel_type": "im", "user": user, "text": text}
        event |= {"channel": "D" + user[1:], "ts": f"{time.time():.6f}"}
        envelope = {"type": "event_callback", "team_id": "T01ACME", "event_id": event_id}
        body = json.dumps({**envelope, "event": event})
        ts = int(time.time())
        headers = {"Content-Type": "application/json", "X-Slack-Request-Timestamp": str(ts)}
        headers["X-Slack-Signature"] = sign(body, ts)
        answer = httpx.post(f"{self.base}/slack/events", content=body, headers=headers, timeout=5)
        assert answer.status_code == 200, answer.text

    def click(
        self, user: str, element: dict[str, Any], *, at: tuple[str, str], **state: Any
    ) -> None:
        """A block_actions click on `element` in the message `at` (channel, ts)."""
        channel, ts = at
        action = {"type": "button", "action_id": element["action_id"], "block_id": "b"}
        action |= {"value": element.get("value"), "action_ts": f"{time.time():.6f}"}
        payload = {
            "type": "block_actions",
            "team": {"id": "T01ACME"},
            "user": {"id": user, "team_id": "T01ACME"},
            "trigger_id": f"trig.{time.time_ns()}",
            "container": {"type": "message", "message_ts": ts, "channel_id": channel},
            "channel": {"id": channel},
            "state": {"values": state},
            "actions": [action],
        }
        body = urlencode({"payload": json.dumps(payload)})
        ts_now = int(time.time())
        headers = {"Content-Type": "application/x-www-form-urlencoded"}
        headers |= {
            "X-Slack-Request-Timestamp": str(ts_now),
            "X-Slack-Signature": sign(body, ts_now),
        }
        answer = httpx.post(f"{self.base}/slack/events", content=body, headers=headers, timeout=5)
        assert answer.status_code == 200, answer.text


def app_env(tmp_path: Path, slack_api: FakeSlackAPI, model: GatedModel, **extra: str) -> App:
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'app.db'}",
        "ACCESS_AGENT_MODEL": "openai",
        "OPENAI_API_KEY": "sk-test",
        "OPENAI_BASE_URL": model.server.url,
        "SLACK_BOT_TOKEN": "xoxb-test",
        "SLACK_SIGNING_SECRET": SECRET,
        "SLACK_API_URL": slack_api.url,
        "ACCESS_AGENT_LEASE_SECONDS": str(LEASE_SECONDS),
        "ACCESS_AGENT_WORKER_POLL": "0.2",
        "SCHEDULER_INTERVAL_SECONDS": "0",
        **extra,
    }
    env.pop("SLACK_APP_TOKEN", None)
    return App(tmp_path, env, port=_free_port())


def wait_until(condition: Any, timeout: float, what: str) -> float:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, f"not within {timeout} s: {what}"
        time.sleep(0.05)
    return time.monotonic()


def answers(slack_api: FakeSlackAPI) -> dict[tuple[str, str], list[str]]:
    """Each message the bot posted (channel, ts), with the texts it was updated to."""
    posted = [c for c in slack_api.all_calls("chat.postMessage") if c.status == 200]
    found: dict[tuple[str, str], list[str]] = {
        (str(c.response["channel"]), str(c.response["ts"])): [] for c in posted
    }
    for update in slack_api.calls("chat.update"):
        key = (str(update["channel"]), str(update["ts"]))
        assert key in found, f"an update of a message the bot never posted: {key}"
        found[key].append(str(update["text"]))
    return found


def answered(slack_api: FakeSlackAPI, count: int) -> bool:
    done = [t for t in answers(slack_api).values() if t and THINKING not in t[-1]]
    return len(done) >= count


def assert_exactly_once(slack_api: FakeSlackAPI, tmp_path: Path, dms: int) -> None:
    messages = answers(slack_api)
    assert len(messages) == dms, messages  # one message per DM: no second "Thinking…"
    for texts in messages.values():
        assert texts and THINKING not in texts[-1], texts  # none left "Thinking…"
        assert len(set(texts)) == 1, texts  # the same answer, if written twice
    with SqlUnitOfWork(make_engine(f"sqlite:///{tmp_path / 'app.db'}")) as uow:
        assert uow.inbox.waiting(datetime.now(UTC)) == 0
        assert uow.inbox.dead().count == 0


def test_serve_killed_mid_turn_and_after_its_reply_answers_each_dm_once(
    tmp_path: Path, slack_api: FakeSlackAPI, model: GatedModel
) -> None:
    app = app_env(tmp_path, slack_api, model)
    try:
        app.start()
        app.dm("U01ALEX", "hello there", "EvCRASH1")  # Alex's DM
        app.dm("U01DANA", "good morning", "EvCRASH2")  # another conversation
        wait_until(lambda: model.asked() >= 2, 30, "both turns reach the model")
        app.kill()  # 1: during both turns (placeholders posted, the model thinking)

        slack_api.hold("chat.update")  # Slack will have the answers, the app never hears
        model.gate.set()
        up = app.start()
        wait_until(lambda: len(slack_api.calls("chat.update")) >= 2, BOUND, "answers sent")
        assert time.monotonic() - up <= BOUND
        app.kill()  # 2: after Slack got each reply, before the jobs were finished

        slack_api.release("chat.update")
        up = app.start()
        app.dm("U01ALEX", "and another thing", "EvCRASH3")  # new, behind Alex's first
        done = wait_until(lambda: answered(slack_api, 3), BOUND, "all three answered")
        assert done - up <= BOUND
        wait_until(lambda: app_idle(tmp_path), BOUND, "every job finished")
    finally:
        app.stop()
    assert_exactly_once(slack_api, tmp_path, dms=3)


def app_idle(tmp_path: Path) -> bool:
    with SqlUnitOfWork(make_engine(f"sqlite:///{tmp_path / 'app.db'}")) as uow:
        return uow.inbox.waiting(datetime.now(UTC)) == 0


def dms(slack_api: FakeSlackAPI, user: str, contains: str) -> list[dict[str, Any]]:
    """The bot's DMs to `user` (by user id, as `notify` sends them) mentioning `contains`."""
    posted = slack_api.calls("chat.postMessage")
    return [b for b in posted if b.get("channel") == user and contains in str(b.get("text"))]


def audit_actions(tmp_path: Path, rid: str) -> list[str]:
    with SqlUnitOfWork(make_engine(f"sqlite:///{tmp_path / 'app.db'}")) as uow:
        return [e.action for e in uow.audit.for_request(rid)]


def requests_of(tmp_path: Path, person: str) -> list[str]:
    with SqlUnitOfWork(make_engine(f"sqlite:///{tmp_path / 'app.db'}")) as uow:
        return [r.id for r in uow.requests.by_requester(person)]


def test_serve_killed_after_a_submit_and_an_approve_click_does_each_once(
    tmp_path: Path, slack_api: FakeSlackAPI, model: GatedModel
) -> None:
    """Each click is killed after its effect was committed, while Slack holds the first
    message the click sends (the receipt; the approver's copy of the decision): the
    restarted process finishes the click within BOUND, sending what the dead one had not
    and nothing twice."""
    app = app_env(tmp_path, slack_api, model, ACCESS_AGENT_MODEL="offline")
    try:
        app.start()
        app.dm("U01ALEX", "github write for 3 days", "EvCLICK1")
        is_card = has_action(Action.SUBMIT)
        card = slack_api.wait_for("chat.update", is_card, timeout=BOUND)[-1]
        updates = len(slack_api.calls("chat.update"))
        slack_api.hold("chat.update")  # the receipt reaches Slack; the app never hears back
        reason = {"type": "static_select", "selected_option": {"value": "New project"}}
        submit = button(card, Action.SUBMIT)
        app.click(
            "U01ALEX",
            submit,
            at=(card["channel"], card["ts"]),
            **{Action.REASON_SELECT: {Action.REASON_SELECT: reason}},
        )
        wait_until(lambda: len(slack_api.calls("chat.update")) > updates, BOUND, "receipt sent")
        app.kill()  # 1: after the submission, before the receipt was answered

        slack_api.release("chat.update")
        up = app.start()
        (rid,) = requests_of(tmp_path, "alex.meyer@acme.test")
        done = wait_until(lambda: dms(slack_api, "U01DANA", rid), BOUND, "approver asked")
        assert done - up <= BOUND
        receipts = [u for u in slack_api.calls("chat.update") if u["ts"] == card["ts"]][1:]
        assert len({r["text"] for r in receipts}) == 1 and rid in receipts[0]["text"], receipts
        (ask,) = [
            c
            for c in slack_api.all_calls("chat.postMessage")
            if c.body in dms(slack_api, "U01DANA", rid)
        ]

        slack_api.hold("chat.update")  # Dana's copy shows the decision: held again
        at = (str(ask.response["channel"]), str(ask.response["ts"]))
        app.click("U01DANA", button(ask.body, Action.APPROVE), at=at)
        wait_until(
            lambda: any(u["ts"] == at[1] for u in slack_api.calls("chat.update")),
            BOUND,
            "copy updated",
        )
        app.kill()  # 2: after the decision, before its messages were sent

        slack_api.release("chat.update")
        up = app.start()
        done = wait_until(lambda: dms(slack_api, "U01ALEX", rid), BOUND, "Alex told")
        assert done - up <= BOUND
        wait_until(lambda: app_idle(tmp_path), BOUND, "every job finished")
    finally:
        app.stop()
    assert requests_of(tmp_path, "alex.meyer@acme.test") == [rid]  # one request
    assert len(dms(slack_api, "U01DANA", rid)) == 1  # Dana asked once
    assert len(dms(slack_api, "U01ALEX", rid)) == 1  # Alex told once
    actions = audit_actions(tmp_path, rid)
    assert actions.count("request.submitted") == 1 and actions.count("step.approved") == 1, actions
    with SqlUnitOfWork(make_engine(f"sqlite:///{tmp_path / 'app.db'}")) as uow:
        assert uow.inbox.dead().count == 0
