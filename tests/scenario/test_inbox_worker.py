"""The inbox worker: a job is done once its listener is; a failed one is retried with
backoff and given up after MAX_ATTEMPTS; a dead worker's job comes back after its
lease. Runs a real Bolt app (processing before it answers, as the worker's does)
against the loopback Slack API, on a SQLite store; the worker's clock is ours."""

from __future__ import annotations

import asyncio
import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from slack_bolt.async_app import AsyncApp
from slack_sdk.web.async_client import AsyncWebClient

from slack_app.bootstrap import Runtime, build_runtime
from slack_app.settings import Settings
from slack_app.slack import inbox
from tests.fakes.slack_api import FakeSlackAPI

T0 = datetime(2026, 11, 26, 12, 0, tzinfo=UTC)


class Clock:
    def __init__(self) -> None:
        self.at = T0

    def __call__(self) -> datetime:
        return self.at


def bolt_app(slack_api: FakeSlackAPI, failures: list[str]) -> tuple[AsyncApp, list[str]]:
    """Its `message` listener raises while `failures` has entries, then records the text."""
    client = AsyncWebClient(token="xoxb-test", base_url=slack_api.url)
    app = AsyncApp(client=client, request_verification_enabled=False, process_before_response=True)
    seen: list[str] = []

    @app.event("message")
    async def on_message(event: dict[str, Any]) -> None:
        if failures:
            raise RuntimeError(failures.pop(0))
        seen.append(str(event["text"]))

    return app, seen


def runtime_at(tmp_path: Path) -> Runtime:
    return build_runtime(Settings(database_url=f"sqlite:///{tmp_path / 'app.db'}"))


def put(runtime: Runtime, event_id: str, text: str) -> None:
    body = json.dumps(
        {
            "type": "event_callback",
            "team_id": "T01ACME",
            "event_id": event_id,
            "event": {"type": "message", "channel_type": "im", "user": "U01ALEX", "text": text},
        }
    )
    with runtime.uow() as uow:
        assert uow.inbox.put(f"slack:event:{event_id}", inbox.EVENT, body, T0)
        uow.commit()


def waiting(runtime: Runtime) -> int:
    with runtime.uow() as uow:
        return uow.inbox.waiting(T0)


def test_jobs_are_done_once_and_in_order(tmp_path: Path, slack_api: FakeSlackAPI) -> None:
    runtime = runtime_at(tmp_path)
    app, seen = bolt_app(slack_api, [])
    for n in range(3):
        put(runtime, f"Ev{n}", f"message {n}")
    worker = inbox.InboxWorker(runtime, app, concurrency=1, clock=Clock())
    assert asyncio.run(worker.run_once()) == 1
    assert asyncio.run(worker.run_once()) == 1
    assert asyncio.run(worker.run_once()) == 1
    assert asyncio.run(worker.run_once()) == 0
    assert seen == ["message 0", "message 1", "message 2"] and waiting(runtime) == 0


def test_a_failed_job_is_retried_with_backoff_then_given_up(
    tmp_path: Path, slack_api: FakeSlackAPI
) -> None:
    runtime = runtime_at(tmp_path)
    app, seen = bolt_app(slack_api, ["boom"] * inbox.MAX_ATTEMPTS)
    put(runtime, "EvFAIL", "hello")
    clock = Clock()
    worker = inbox.InboxWorker(runtime, app, concurrency=4, clock=clock)
    for attempt in range(1, inbox.MAX_ATTEMPTS + 1):
        assert asyncio.run(worker.run_once()) == 1, attempt
        assert asyncio.run(worker.run_once()) == 0  # not due before its backoff
        clock.at += inbox.backoff(attempt) + timedelta(seconds=1)
    assert seen == [] and waiting(runtime) == 0  # given up after MAX_ATTEMPTS, not lost silently


def test_a_job_succeeds_on_its_retry(tmp_path: Path, slack_api: FakeSlackAPI) -> None:
    runtime = runtime_at(tmp_path)
    app, seen = bolt_app(slack_api, ["Slack was down"])
    put(runtime, "EvRETRY", "hello again")
    clock = Clock()
    worker = inbox.InboxWorker(runtime, app, concurrency=4, clock=clock)
    asyncio.run(worker.run_once())
    assert seen == [] and waiting(runtime) == 1
    clock.at += inbox.backoff(1)
    asyncio.run(worker.run_once())
    assert seen == ["hello again"] and waiting(runtime) == 0


def test_a_dead_workers_job_is_claimed_again_after_its_lease(
    tmp_path: Path, slack_api: FakeSlackAPI
) -> None:
    runtime = runtime_at(tmp_path)
    app, seen = bolt_app(slack_api, [])
    put(runtime, "EvLOST", "where was I")
    with runtime.uow() as uow:  # a worker claimed it, then its process died
        assert len(uow.inbox.claim(at=T0, lease=inbox.LEASE, limit=1)) == 1
        uow.commit()
    clock = Clock()
    worker = inbox.InboxWorker(runtime, app, concurrency=4, clock=clock)
    assert asyncio.run(worker.run_once()) == 0  # still leased
    clock.at += inbox.LEASE + timedelta(seconds=1)
    assert asyncio.run(worker.run_once()) == 1
    assert seen == ["where was I"]


def test_the_loop_wakes_on_new_work_and_stops(tmp_path: Path, slack_api: FakeSlackAPI) -> None:
    runtime = runtime_at(tmp_path)
    app, seen = bolt_app(slack_api, [])
    worker = inbox.InboxWorker(runtime, app, concurrency=4, poll=3600, clock=Clock())

    async def scenario() -> None:
        stop = asyncio.Event()
        loop = asyncio.create_task(worker.run(stop))
        await asyncio.sleep(0.05)
        put(runtime, "EvWAKE", "wake up")
        worker.wake()  # without it the next look would be an hour away
        for _ in range(200):
            if seen:
                break
            await asyncio.sleep(0.02)
        stop.set()
        await asyncio.wait_for(loop, timeout=10)

    asyncio.run(scenario())
    assert seen == ["wake up"]
