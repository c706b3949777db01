"""`access-agent socket`: the same listeners behind a Socket Mode connection."""

from __future__ import annotations

import asyncio
import json
import threading
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from domain.ports import FixedClock, NewJob
from domain.store.engine import make_engine
from domain.store.uow import SqlUnitOfWork
from slack_app.agent_wiring import build_runner
from slack_app.blocks.ids import Action
from slack_app.bootstrap import build_runtime
from slack_app.cli.serve import socket_handler
from slack_app.settings import Settings
from slack_app.testing.slack_api import FakeSlackAPI
from slack_app.worker import inbox
from tests.scenario.harness import has_action
from tests.scenario.socket_server import FakeSocketMode

SETTLE = 0.5  # time for a wrongly processed duplicate to show up in the fake


@pytest.fixture
def socket_mode(tmp_path: Path, slack_api: FakeSlackAPI) -> Iterator[FakeSocketMode]:
    server = FakeSocketMode().start()
    slack_api.socket_url = server.url
    settings = Settings(
        database_url=f"sqlite:///{tmp_path / 'app.db'}",
        slack_bot_token="xoxb-test",
        slack_app_token="xapp-test",
        slack_api_url=slack_api.url,
        model="offline",
    )
    runtime = build_runtime(settings, clock=FixedClock(datetime(2026, 3, 4, 15, tzinfo=UTC)))
    stop = threading.Event()

    async def run() -> None:
        handler = socket_handler(settings, runtime=runtime, runner=build_runner(runtime))
        await handler.connect_async()  # type: ignore[no-untyped-call]
        while not stop.is_set():
            await asyncio.sleep(0.02)
        await handler.close_async()  # type: ignore[no-untyped-call]

    bot = threading.Thread(target=asyncio.run, args=(run(),), daemon=True)
    bot.start()
    try:
        assert server.connected.wait(timeout=20), "the bot never connected"
        yield server
    finally:
        stop.set()
        bot.join(timeout=20)
        server.close()


def dm_envelope(event_id: str, envelope_id: str, *, retry: int = 0) -> dict[str, Any]:
    """Alex's DM as Socket Mode delivers it; a retry is a new envelope, same event_id."""
    event = {
        "type": "message",
        "channel": "D01ALEX",
        "channel_type": "im",
        "user": "U01ALEX",
        "text": "github write for 3 days",
        "ts": "1772636400.000100",
    }
    payload = {
        "type": "event_callback",
        "team_id": "T01ACME",
        "event_id": event_id,
        "event": event,
    }
    return {
        "envelope_id": envelope_id,
        "type": "events_api",
        "payload": payload,
        "accepts_response_payload": False,
        "retry_attempt": retry,
        "retry_reason": "timeout" if retry else "",
    }


def test_a_dm_over_socket_mode_is_acked_and_answered(
    socket_mode: FakeSocketMode, slack_api: FakeSlackAPI
) -> None:
    socket_mode.push(dm_envelope("EvSOCK1", "env-1"))
    card = slack_api.wait_for("chat.update", has_action(Action.SUBMIT), timeout=20)[0]
    assert card["channel"] == "D01ALEX"
    assert any(a.get("envelope_id") == "env-1" for a in socket_mode.acks)


def test_a_redelivered_event_gets_one_turn_and_one_reply(
    socket_mode: FakeSocketMode, slack_api: FakeSlackAPI
) -> None:
    """The same event twice on one envelope, then as Slack's retry (a new envelope)."""
    for envelope, retry in (("env-1", 0), ("env-1", 0), ("env-2", 1)):
        socket_mode.push(dm_envelope("EvSOCKDUP", envelope, retry=retry))
    slack_api.wait_for("chat.update", has_action(Action.SUBMIT), timeout=20)
    deadline = time.monotonic() + 20
    while len(socket_mode.acks) < 3 and time.monotonic() < deadline:
        time.sleep(0.05)
    time.sleep(SETTLE)
    assert sorted(str(a.get("envelope_id")) for a in socket_mode.acks) == [
        "env-1",
        "env-1",
        "env-2",
    ]
    assert len(slack_api.calls("chat.postMessage")) == 1  # one "Thinking…": one turn
    assert len(slack_api.calls("chat.update")) == 1  # one answer (the card)


def test_an_event_a_dead_socket_process_took_in_is_done_once_by_the_next(
    socket_mode: FakeSocketMode, slack_api: FakeSlackAPI, tmp_path: Path
) -> None:
    """Socket Mode stores each event in the inbox before acking it, like `serve`: an
    event acked by a process that died before its turn (here, put in the inbox as that
    process would have) is done by this one's worker, and Slack's redelivery of it
    finds the inbox key and changes nothing."""
    payload = json.dumps(dm_envelope("EvSOCKLEFT", "env-1")["payload"])
    with SqlUnitOfWork(make_engine(f"sqlite:///{tmp_path / 'app.db'}")) as uow:
        job = NewJob("slack:event:EvSOCKLEFT", inbox.EVENT, payload, "slack:T01ACME:D01ALEX")
        uow.inbox.put_many([job], datetime.now(UTC))
        uow.commit()
    slack_api.wait_for("chat.update", has_action(Action.SUBMIT), timeout=20)
    socket_mode.push(dm_envelope("EvSOCKLEFT", "env-2", retry=1))
    deadline = time.monotonic() + 20
    while not socket_mode.acks and time.monotonic() < deadline:
        time.sleep(0.05)
    time.sleep(SETTLE)
    assert [a.get("envelope_id") for a in socket_mode.acks] == ["env-2"]
    assert len(slack_api.calls("chat.postMessage")) == 1  # one turn
    assert len(slack_api.calls("chat.update")) == 1


def test_a_malformed_event_is_acked_and_reaches_no_listener(
    socket_mode: FakeSocketMode, slack_api: FakeSlackAPI
) -> None:
    envelope = dm_envelope("EvSOCKBAD", "env-bad")
    envelope["payload"]["event"]["channel"] = 42  # not a channel id: the shape says no
    socket_mode.push(envelope)
    socket_mode.push(dm_envelope("EvSOCKGOOD", "env-good"))  # the connection goes on
    slack_api.wait_for("chat.update", has_action(Action.SUBMIT), timeout=20)
    deadline = time.monotonic() + 20
    while len(socket_mode.acks) < 2 and time.monotonic() < deadline:
        time.sleep(0.05)
    assert {a.get("envelope_id") for a in socket_mode.acks} == {"env-bad", "env-good"}
    assert len(slack_api.calls("chat.postMessage")) == 1  # only the good one's turn
