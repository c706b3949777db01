"""Temporary access ends on time, with a warning before and a notice after, through the
whole app: Dana asks for Alex in Slack, Victor and Omar approve, Omar grants it; then
the clock moves and scheduler ticks take it away, telling both of them once each."""

from __future__ import annotations

import asyncio
import contextlib
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, fields
from datetime import UTC, datetime, timedelta
from functools import partial
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from domain.model.requests import AccessRequest, RequestItem, State
from domain.ports import FixedClock, UnitOfWork
from domain.usecases.decisions import approve as domain_approve
from domain.usecases.fulfillment import complete_task
from domain.usecases.scheduler import TickReport
from domain.usecases.submission import Draft
from domain.usecases.submission import submit as submit_request
from slack_app.agent_wiring import build_runner
from slack_app.blocks.ids import Action
from slack_app.bootstrap import Runtime, build_runtime
from slack_app.cli.serve import run_socket
from slack_app.listeners.deps import build_deps
from slack_app.services.requests import decide
from slack_app.settings import Settings
from slack_app.slackapi.retry import ATTEMPTS
from slack_app.testing.signing import SECRET
from slack_app.testing.slack_api import FakeSlackAPI
from slack_app.web.metrics import Metrics
from slack_app.web.server import create_app
from slack_app.worker import scheduler
from tests.outboxes import drain
from tests.scenario.conftest import NOW
from tests.scenario.flows import card_for, dm_to, request, requests_of, submit, updated
from tests.scenario.harness import SlackHarness, button
from tests.scenario.socket_server import FakeSocketMode

ALEX, DANA, VICTOR, OMAR = "U01ALEX", "U01DANA", "U01VICTOR", "U01OMAR"
ALEX_ID = "alex.meyer@acme.test"
WARN = timedelta(hours=24)
ENDS_SOON, ENDED = "access ends soon", "access has ended"


def settings_for(tmp_path: Path, slack_api: FakeSlackAPI, **extra: object) -> Settings:
    return Settings(
        database_url=f"sqlite:///{tmp_path / 'app.db'}",
        slack_signing_secret=SECRET,
        slack_bot_token="xoxb-test",
        slack_api_url=slack_api.url,
        model="offline",
        **extra,  # type: ignore[arg-type]
    )


@pytest.fixture
def slack(tmp_path: Path, slack_api: FakeSlackAPI) -> Iterator[SlackHarness]:
    """The app with its own scheduler loop off: the tests tick by hand."""
    settings = settings_for(tmp_path, slack_api, scheduler_interval_seconds=0)
    runtime = build_runtime(settings, clock=FixedClock(NOW))
    app = create_app(settings, runtime=runtime, runner=build_runner(runtime))
    with TestClient(app) as http:
        yield SlackHarness(http, slack_api, runtime)


def ticks(metrics: Metrics, outcome: str) -> float:
    return metrics.sample("access_agent_scheduler_ticks_total", outcome=outcome)


def tick(h: SlackHarness) -> TickReport:
    """One scheduler tick, on the app's event loop, with the app's deps."""
    deps = h.http.app.state.deps  # type: ignore[attr-defined]
    return h.http.portal.call(partial(scheduler.tick, deps, warn_before=WARN))  # type: ignore[union-attr]


def outbox_done(runtime: Runtime, timeout: float = 20.0) -> None:
    """Wait until the app's outbox worker has made every queued connector call."""
    deadline = time.monotonic() + timeout
    while True:
        with runtime.uow() as uow:
            if uow.outbox.waiting() == 0:
                return
        assert time.monotonic() < deadline, "the outbox worker did not catch up"
        time.sleep(0.05)


def told(h: SlackHarness, user: str, words: str) -> int:
    """How many DMs to `user` say `words`."""
    return sum(
        1
        for c in h.slack.all_calls("chat.postMessage")
        if c.body.get("channel") == user and words in c.body.get("text", "")
    )


def approve(h: SlackHarness, user: str, rid: str) -> None:
    ask = dm_to(h, user, rid)
    h.click(user, button(ask.payload, Action.APPROVE), channel=ask.channel, ts=ask.ts)
    updated(h, ask)


def granted_in_slack(h: SlackHarness) -> AccessRequest:
    """Dana asks for Alex; Victor (Dana cannot approve her own ask) and Omar approve;
    Omar closes the manual task."""
    card = card_for(h, DANA, "alex needs github write for 3 days")
    submit(h, DANA, card)
    updated(h, card, count=2)
    (made,) = requests_of(h, ALEX_ID)
    assert made.requester == "dana.kim@acme.test" and made.beneficiary == ALEX_ID
    approve(h, VICTOR, made.id)
    approve(h, OMAR, made.id)
    task = dm_to(h, OMAR, f"{made.id}: please grant access")
    h.click(OMAR, button(task.payload, Action.TASK_DONE), channel=task.channel, ts=task.ts)
    dm_to(h, ALEX, "Access granted")
    done = request(h, made.id)
    assert done.state is State.FULFILLED and done.end is not None
    return done


def test_warned_once_then_expired_and_told_once(slack: SlackHarness) -> None:
    h = slack
    granted = granted_in_slack(h)
    assert granted.end is not None
    assert tick(h) == TickReport()  # just granted: nothing to say yet

    h.runtime.clock.current = granted.end - timedelta(hours=12)  # type: ignore[attr-defined]
    assert [r.id for r in tick(h).expiring] == [granted.id]
    for user in (ALEX, DANA):  # the beneficiary and the requester
        assert told(h, user, ENDS_SOON) == 1
    warning = dm_to(h, ALEX, ENDS_SOON).payload
    assert granted.id in warning["text"] and "Alex Meyer" in warning["text"]

    assert tick(h) == TickReport()  # the next minute: nothing new
    assert told(h, ALEX, ENDS_SOON) == 1 and told(h, DANA, ENDS_SOON) == 1
    assert request(h, granted.id).state is State.FULFILLED

    h.runtime.clock.current = granted.end  # type: ignore[attr-defined]
    assert [r.id for r in tick(h).expired] == [granted.id]
    assert request(h, granted.id).state is State.EXPIRED
    outbox_done(h.runtime)
    assert "github:write" not in h.runtime.directory().held_by(ALEX_ID, at=granted.end)
    assert tick(h) == TickReport()
    for user in (ALEX, DANA):
        assert told(h, user, ENDED) == 1 and told(h, user, ENDS_SOON) == 1
    metrics = h.http.get("/metrics").text
    assert "access_agent_requests_expired_total 1" in metrics
    assert "access_agent_expiry_warnings_total 1" in metrics


def test_a_warning_slack_never_took_is_sent_on_the_next_tick(slack: SlackHarness) -> None:
    h = slack
    granted = grant_for_alex(h.runtime, h.runtime.clock)  # type: ignore[arg-type]
    assert granted.end is not None
    h.runtime.clock.current = granted.end - timedelta(hours=12)  # type: ignore[attr-defined]
    for _ in range(ATTEMPTS):  # every try of the warning fails: Slack is down
        h.slack.fail_once("chat.postMessage", status=503, retry_after=None)
    assert [r.id for r in tick(h).expiring] == [granted.id]
    assert delivered(h, ALEX, ENDS_SOON) == 0
    assert [r.id for r in tick(h).expiring] == [granted.id]  # its key was not used up
    assert delivered(h, ALEX, ENDS_SOON) == 1
    assert tick(h) == TickReport()


def delivered(h: SlackHarness, user: str, words: str) -> int:
    return sum(
        1
        for c in h.slack.all_calls("chat.postMessage")
        if c.status == 200 and c.body.get("channel") == user and words in c.body.get("text", "")
    )


def alex_draft(clock: FixedClock, days: int = 3) -> Draft:
    """github:write for Alex for `days`."""
    item = RequestItem(entitlement_id="github:write", app_id="github", identity_id="github:alex-m")
    return Draft(
        requester=ALEX_ID,
        beneficiary=ALEX_ID,
        items=[item],
        end=clock.now() + timedelta(days=days),
        reason="New project",
    )


def grant_for_alex(runtime: Runtime, clock: FixedClock, days: int = 3) -> AccessRequest:
    """github:write for Alex for `days`, through the use cases the Slack clicks call."""
    directory = runtime.directory()
    (made,) = submit_draft(runtime, alex_draft(clock, days))
    for approver in ("dana.kim@acme.test", "omar.haddad@acme.test"):
        decide(runtime, made.id, actor=approver, approved=True)
    drain(runtime.uow(), runtime.clock, runtime.connectors)  # the outbox worker's part
    return complete_task(
        uow=runtime.uow(),
        directory=directory,
        request_id=made.id,
        actor="omar.haddad@acme.test",
        clock=runtime.clock,
        success=True,
    )


def submit_draft(runtime: Runtime, draft: Draft) -> list[AccessRequest]:
    return submit_request(
        uow=runtime.uow(),
        directory=runtime.directory(),
        draft=draft,
        actor=draft.requester,
        clock=runtime.clock,
    )


def wait_until(check: Callable[[], bool], timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while not check():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.02)


def test_the_server_runs_the_loop_for_its_lifetime(tmp_path: Path, slack_api: FakeSlackAPI) -> None:
    settings = settings_for(tmp_path, slack_api, scheduler_interval_seconds=0.05)
    clock = FixedClock(NOW)
    runtime = build_runtime(settings, clock=clock)
    rid = grant_for_alex(runtime, clock).id
    clock.advance(days=4)  # over while the server was down: the first tick catches up
    app = create_app(settings, runtime=runtime, runner=build_runner(runtime))
    metrics = app.state.deps.metrics
    with TestClient(app):
        slack_api.wait_for("chat.postMessage", lambda b: ENDED in b.get("text", ""))
        # the manual connector's revoke: the app's owner is told to remove the access
        slack_api.wait_for("chat.postMessage", lambda b: b["channel"] == OMAR)
        wait_until(lambda: ticks(metrics, "ok") >= 3)  # it keeps ticking
        with runtime.uow() as uow:
            expired = uow.requests.get(rid)
        assert expired is not None and expired.state is State.EXPIRED
    before = ticks(metrics, "ok")
    time.sleep(0.3)  # six intervals: a loop still running would tick again
    assert ticks(metrics, "ok") == before and ticks(metrics, "failed") == 0
    # each told once, however many ticks ran
    assert sorted(b["channel"] for b in slack_api.calls("chat.postMessage")) == [ALEX, OMAR]


def test_zero_turns_the_loop_off(tmp_path: Path, slack_api: FakeSlackAPI) -> None:
    settings = settings_for(tmp_path, slack_api, scheduler_interval_seconds=0)
    clock = FixedClock(NOW)
    runtime = build_runtime(settings, clock=clock)
    grant_for_alex(runtime, clock)
    clock.advance(days=4)
    app = create_app(settings, runtime=runtime, runner=build_runner(runtime))
    with TestClient(app):
        time.sleep(0.2)
    assert ticks(app.state.deps.metrics, "ok") == 0
    assert slack_api.calls("chat.postMessage") == []


def test_socket_mode_runs_the_loop_too(tmp_path: Path, slack_api: FakeSlackAPI) -> None:
    """`access-agent socket` on the wall clock: access that ended 4 days ago is taken
    away and Alex is told, over a live Socket Mode connection."""
    server = FakeSocketMode().start()
    slack_api.socket_url = server.url
    settings = settings_for(
        tmp_path, slack_api, slack_app_token="xapp-test", scheduler_interval_seconds=0.05
    )
    clock = FixedClock(datetime.now(UTC) - timedelta(days=7))
    rid = grant_for_alex(build_runtime(settings, clock=clock), clock).id
    stop = threading.Event()

    async def socket() -> None:
        running = asyncio.create_task(run_socket(settings))
        while not stop.is_set() and not running.done():
            await asyncio.sleep(0.02)
        running.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await running

    bot = threading.Thread(target=asyncio.run, args=(socket(),), daemon=True)
    bot.start()
    try:
        assert server.connected.wait(timeout=20), "the bot never connected"
        slack_api.wait_for("chat.postMessage", lambda b: ENDED in b.get("text", ""))
    finally:
        stop.set()
        bot.join(timeout=20)
        server.close()
    assert not bot.is_alive()
    check = build_runtime(settings, load_org=False)
    with check.uow() as uow:
        expired = uow.requests.get(rid)
    assert expired is not None and expired.state is State.EXPIRED


@dataclass
class FlakyRuntime(Runtime):
    """The real runtime, with a database that is down for the first `down` ticks."""

    down: int = 1

    def uow(self) -> UnitOfWork:
        if self.down > 0:
            self.down -= 1
            raise ConnectionError("database is down")
        return super().uow()


def test_a_failed_tick_is_logged_and_the_next_one_runs(
    tmp_path: Path, slack_api: FakeSlackAPI, caplog: pytest.LogCaptureFixture
) -> None:
    settings = settings_for(tmp_path, slack_api)
    clock = FixedClock(NOW)
    base = build_runtime(settings, clock=clock)
    rid = grant_for_alex(base, clock).id
    clock.advance(days=4)
    runtime = FlakyRuntime(**{f.name: getattr(base, f.name) for f in fields(Runtime)})
    deps = build_deps(runtime, build_runner(runtime))

    async def loop() -> None:
        stop = asyncio.Event()
        task = asyncio.create_task(
            scheduler.run_scheduler(deps, every=0.01, warn_before=WARN, stop=stop)
        )
        while ticks(deps.metrics, "ok") < 1:
            assert not task.done(), "the loop ended"
            await asyncio.sleep(0.01)
        stop.set()
        await asyncio.wait_for(task, timeout=5)

    asyncio.run(asyncio.wait_for(loop(), timeout=20))
    assert ticks(deps.metrics, "failed") == 1
    assert "scheduler tick failed" in caplog.text and "database is down" in caplog.text
    with base.uow() as uow:
        expired = uow.requests.get(rid)
    assert expired is not None and expired.state is State.EXPIRED
    assert [b["channel"] for b in slack_api.calls("chat.postMessage")] == [ALEX]


def test_an_approval_whose_fulfilment_never_started_is_resumed(slack: SlackHarness) -> None:
    h = slack  # approved in the store, then the process died before calling the connector
    clock = h.runtime.clock
    assert isinstance(clock, FixedClock)
    (made,) = submit_draft(h.runtime, alex_draft(clock))
    for approver in ("dana.kim@acme.test", "omar.haddad@acme.test"):
        domain_approve(
            uow=h.runtime.uow(), request_id=made.id, approver=approver, clock=h.runtime.clock
        )
    assert tick(h).resumed == []  # just approved: its own handler fulfils it
    clock.advance(minutes=6)
    assert [r.id for r in tick(h).resumed] == [made.id]
    dm_to(h, OMAR, f"{made.id}: please grant access")  # the manual task, as after a click
    assert request(h, made.id).state is State.FULFILLING
    assert tick(h).resumed == []
