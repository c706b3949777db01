"""The inbox worker: a job is done once its listener is; a poison one is given up on
at once (the person gets an apology, the conversation goes on), a transient failure is
retried within seconds; a dead worker's job comes back after its short lease, which a
live worker's heartbeat keeps renewing. Runs a real Bolt app (processing before it
answers, as the worker's does) against the loopback Slack API, on a SQLite store; the
worker's clock is ours."""

from __future__ import annotations

import asyncio
import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from slack_bolt.async_app import AsyncApp
from slack_sdk.web.async_client import AsyncWebClient
from sqlalchemy.exc import OperationalError

from domain.ports import MessageAt
from slack_app.agent_wiring import build_runner
from slack_app.bootstrap import Runtime, build_runtime
from slack_app.listeners.deps import build_deps
from slack_app.settings import Settings
from slack_app.testing.slack_api import FakeSlackAPI
from slack_app.web.metrics import Metrics
from slack_app.web.server import build_worker
from slack_app.worker import inbox
from slack_app.worker.inbox_failures import APOLOGY, MAX_ATTEMPTS, MAX_CLAIMS, QUICK_RETRIES

T0 = datetime(2026, 11, 26, 12, 0, tzinfo=UTC)


class Clock:
    def __init__(self) -> None:
        self.at = T0

    def __call__(self) -> datetime:
        return self.at


def bolt_app(
    slack_api: FakeSlackAPI, failures: list[Exception | str]
) -> tuple[AsyncApp, list[str]]:
    """Its `message` listener raises while `failures` has entries (a string: a
    RuntimeError, a bug), then records the text."""
    client = AsyncWebClient(token="xoxb-test", base_url=slack_api.url)
    app = AsyncApp(client=client, request_verification_enabled=False, process_before_response=True)
    seen: list[str] = []

    @app.event("message")
    async def on_message(event: dict[str, Any]) -> None:
        if failures:
            failure = failures.pop(0)
            raise failure if isinstance(failure, Exception) else RuntimeError(failure)
        seen.append(str(event["text"]))

    return app, seen


def runtime_at(tmp_path: Path) -> Runtime:
    return build_runtime(Settings(database_url=f"sqlite:///{tmp_path / 'app.db'}"))


def put(runtime: Runtime, event_id: str, text: str) -> None:
    dm = {"type": "message", "channel_type": "im", "user": "U01ALEX", "text": text}
    dm |= {"channel": "D01ALEX", "ts": f"{T0.timestamp():.0f}.{event_id}"}
    payload = {"type": "event_callback", "team_id": "T01ACME", "event_id": event_id, "event": dm}
    with runtime.uow() as uow:
        lane = inbox.event_lane(payload)
        assert uow.inbox.put(
            f"slack:event:{event_id}", inbox.EVENT, json.dumps(payload), T0, lane=lane
        )
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


def test_a_poison_job_is_answered_at_once_and_its_conversation_goes_on(
    tmp_path: Path, slack_api: FakeSlackAPI
) -> None:
    runtime = runtime_at(tmp_path)
    app, seen = bolt_app(slack_api, [KeyError("user")])
    put(runtime, "EvBAD", "this one breaks")
    put(runtime, "EvNEXT", "the next message")  # same DM: same lane, behind it
    metrics = Metrics()
    worker = inbox.InboxWorker(runtime, app, concurrency=4, clock=Clock(), metrics=metrics)
    assert asyncio.run(worker.run_once()) == 1
    (apology,) = slack_api.calls("chat.postMessage")
    assert apology["channel"] == "D01ALEX" and apology["text"] == APOLOGY
    assert asyncio.run(worker.run_once()) == 1  # at once, not after a backoff
    assert seen == ["the next message"] and waiting(runtime) == 0
    with runtime.uow() as uow:
        dead = uow.inbox.dead()
    assert (dead.count, dead.latest_key, dead.latest_error) == (
        1,
        "slack:event:EvBAD",
        "KeyError: 'user'",
    )
    assert 'access_agent_inbox_jobs_total{outcome="dead"} 1' in metrics.render()


def test_a_transient_failure_is_retried_within_seconds_then_given_up(
    tmp_path: Path, slack_api: FakeSlackAPI
) -> None:
    down = OperationalError("SELECT 1", {}, Exception("database is locked"))
    runtime = runtime_at(tmp_path)
    app, seen = bolt_app(slack_api, [down] * MAX_ATTEMPTS)
    put(runtime, "EvFAIL", "hello")
    clock = Clock()
    worker = inbox.InboxWorker(runtime, app, concurrency=4, clock=clock)
    for wait in QUICK_RETRIES:
        assert asyncio.run(worker.run_once()) == 1
        assert asyncio.run(worker.run_once()) == 0  # not due before its retry
        assert slack_api.calls("chat.postMessage") == []  # no apology yet
        clock.at += wait
    assert sum(QUICK_RETRIES, timedelta()) <= timedelta(seconds=10)  # the lane waits that long
    assert asyncio.run(worker.run_once()) == 1
    assert seen == [] and waiting(runtime) == 0  # given up after MAX_ATTEMPTS, not lost silently
    (apology,) = slack_api.calls("chat.postMessage")
    assert apology["text"] == APOLOGY


def test_a_job_succeeds_on_its_retry(tmp_path: Path, slack_api: FakeSlackAPI) -> None:
    runtime = runtime_at(tmp_path)
    app, seen = bolt_app(slack_api, [ConnectionResetError("store went away")])
    put(runtime, "EvRETRY", "hello again")
    clock = Clock()
    worker = inbox.InboxWorker(runtime, app, concurrency=4, clock=clock)
    asyncio.run(worker.run_once())
    assert seen == [] and waiting(runtime) == 1
    clock.at += QUICK_RETRIES[0]
    asyncio.run(worker.run_once())
    assert seen == ["hello again"] and waiting(runtime) == 0
    assert slack_api.calls("chat.postMessage") == []


def test_a_dead_workers_job_is_claimed_again_after_its_short_lease(
    tmp_path: Path, slack_api: FakeSlackAPI
) -> None:
    runtime = runtime_at(tmp_path)
    lease = runtime.settings.lease
    assert lease <= timedelta(seconds=30)
    app, seen = bolt_app(slack_api, [])
    put(runtime, "EvLOST", "where was I")
    with runtime.uow() as uow:  # a worker claimed it, then its process died
        assert len(uow.inbox.claim(at=T0, lease=lease, limit=1)) == 1
        uow.commit()
    clock = Clock()
    worker = inbox.InboxWorker(runtime, app, concurrency=4, clock=clock)
    assert asyncio.run(worker.run_once()) == 0  # still leased
    clock.at += lease + timedelta(seconds=1)
    assert asyncio.run(worker.run_once()) == 1
    assert seen == ["where was I"]


def test_a_job_that_took_its_workers_down_is_not_run_again(
    tmp_path: Path, slack_api: FakeSlackAPI
) -> None:
    runtime = runtime_at(tmp_path)
    app, seen = bolt_app(slack_api, [])
    put(runtime, "EvKILLER", "a message that crashes the process")
    lease = runtime.settings.lease
    clock = Clock()
    for _ in range(MAX_CLAIMS):  # each worker that claimed it died before settling it
        with runtime.uow() as uow:
            assert len(uow.inbox.claim(at=clock.at, lease=lease, limit=1)) == 1
            uow.commit()
        clock.at += lease
    worker = inbox.InboxWorker(runtime, app, concurrency=4, clock=clock)
    assert asyncio.run(worker.run_once()) == 1
    assert seen == [] and waiting(runtime) == 0
    (apology,) = slack_api.calls("chat.postMessage")
    assert apology["text"] == APOLOGY


def test_a_running_job_keeps_its_lease_by_heartbeat(
    tmp_path: Path, slack_api: FakeSlackAPI
) -> None:
    """The turn outlives several leases; another worker never gets the job meanwhile."""
    runtime = runtime_at(tmp_path)
    clock, lease = Clock(), timedelta(seconds=0.3)
    client = AsyncWebClient(token="xoxb-test", base_url=slack_api.url)
    app = AsyncApp(client=client, request_verification_enabled=False, process_before_response=True)
    stolen: list[int] = []

    @app.event("message")
    async def slow_turn() -> None:
        for _ in range(3):
            clock.at += timedelta(seconds=1)  # three leases' worth of time passes
            await asyncio.sleep(0.35)  # a heartbeat every 0.1 s renews the lease
            with runtime.uow() as uow:  # another worker looks for work
                stolen.extend(j.id for j in uow.inbox.claim(at=clock.at, lease=lease, limit=1))
                uow.commit()

    put(runtime, "EvSLOW", "take your time")
    worker = inbox.InboxWorker(runtime, app, concurrency=1, clock=clock, lease=lease)
    assert asyncio.run(worker.run_once()) == 1
    assert stolen == [] and waiting(runtime) == 0


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


def test_a_turn_taken_over_after_a_crash_updates_the_thinking_left_behind(
    tmp_path: Path, slack_api: FakeSlackAPI
) -> None:
    """The real worker and agent: the attempt of a worker that died had posted its
    "Thinking…"; the attempt that takes the job over answers in that message."""
    settings = Settings(
        database_url=f"sqlite:///{tmp_path / 'app.db'}",
        slack_bot_token="xoxb-test",
        slack_api_url=slack_api.url,
        model="offline",
    )
    runtime = build_runtime(settings)
    worker = build_worker(build_deps(runtime, build_runner(runtime)))
    crashed_at = inbox.now() - settings.lease - timedelta(seconds=1)
    dm = {"type": "message", "channel_type": "im", "channel": "D01ALEX", "user": "U01ALEX"}
    dm |= {"text": "github write for 3 days", "ts": "1767225000.000100"}
    payload = {"type": "event_callback", "team_id": "T01ACME", "event_id": "EvCRASH", "event": dm}
    left_behind = MessageAt("D01ALEX", "1767225000.000200")
    with runtime.uow() as uow:
        uow.inbox.put("slack:event:EvCRASH", inbox.EVENT, json.dumps(payload), crashed_at)
        (job,) = uow.inbox.claim(at=crashed_at, lease=settings.lease, limit=1)
        uow.inbox.reply(job.id, left_behind)
        uow.commit()
    assert asyncio.run(worker.run_once()) == 1
    assert slack_api.calls("chat.postMessage") == []  # no second "Thinking…"
    (answer,) = slack_api.calls("chat.update")
    assert (answer["channel"], answer["ts"]) == left_behind
    assert "GitHub" in answer["text"]
