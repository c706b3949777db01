"""Approvers who don't answer, and four eyes, through the whole app and the loopback
Slack API: a reminder after a business day and an escalation after three, each in the
approver's DM and the requester's thread, once; Nadia's collapsed route shown as one
step and decided by one click, then by her manager."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from functools import partial
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from fastapi.testclient import TestClient

from domain.model.requests import State, StepStatus
from domain.ports import FixedClock
from domain.usecases.scheduler import TickReport
from slack_app.agent_wiring import build_runner
from slack_app.blocks.ids import Action
from slack_app.bootstrap import build_runtime
from slack_app.testing.slack_api import FakeSlackAPI
from slack_app.web.server import create_app
from slack_app.worker import scheduler
from tests.scenario.conftest import NOW
from tests.scenario.flows import card_for, dm_to, request, requests_of, submit, updated
from tests.scenario.harness import SlackHarness, button
from tests.scenario.test_expiry import WARN, settings_for

ALEX, DANA, VICTOR, JONAS, NADIA = "U01ALEX", "U01DANA", "U01VICTOR", "U01JONAS", "U01NADIA"
BERLIN = ZoneInfo("Europe/Berlin")


@pytest.fixture
def slack(tmp_path: Path, slack_api: FakeSlackAPI) -> Iterator[SlackHarness]:
    """The app with its own scheduler loop off: the tests tick by hand."""
    settings = settings_for(tmp_path, slack_api, scheduler_interval_seconds=0)
    runtime = build_runtime(settings, clock=FixedClock(NOW))
    app = create_app(settings, runtime=runtime, runner=build_runner(runtime))
    with TestClient(app) as http:
        yield SlackHarness(http, slack_api, runtime)


def tick_at(h: SlackHarness, year: int, month: int, day: int, *hm: int) -> TickReport:
    """Move the clock to a Berlin wall time and run one scheduler tick."""
    hour, minute = (*hm, 0, 0)[:2]
    moment = datetime(year, month, day, hour, minute, tzinfo=BERLIN).astimezone(UTC)
    h.runtime.clock.current = moment  # type: ignore[attr-defined]
    deps = h.http.app.state.deps  # type: ignore[attr-defined]
    return h.http.portal.call(partial(scheduler.tick, deps, warn_before=WARN))  # type: ignore[union-attr]


def posts(h: SlackHarness, words: str, **where: str) -> list[dict[str, object]]:
    return [
        c.body
        for c in h.slack.all_calls("chat.postMessage")
        if words in str(c.body.get("text", ""))
        and all(c.body.get(k) == v for k, v in where.items())
    ]


def test_reminded_then_escalated_once_each_in_dm_and_thread(slack: SlackHarness) -> None:
    h = slack
    card = card_for(h, ALEX, "github write for 3 days")
    submit(h, ALEX, card)
    updated(h, card, count=2)  # the receipt
    (made,) = requests_of(h, "alex.meyer@acme.test")
    dm_to(h, DANA, made.id)  # asked on Wednesday 16:00

    assert tick_at(h, 2026, 3, 5, 15).followups == []
    assert [f.kind.value for f in tick_at(h, 2026, 3, 5, 16, 30).followups] == ["reminder"]
    reminder = dm_to(h, DANA, "Reminder: Alex Meyer has been waiting")
    assert made.id in reminder.payload["text"]
    thread = posts(h, "I sent a reminder", thread_ts=card.ts)
    assert len(thread) == 1 and thread[0]["channel"] == card.channel
    assert tick_at(h, 2026, 3, 6, 12).followups == []  # once

    assert [f.kind.value for f in tick_at(h, 2026, 3, 9, 16, 30).followups] == ["escalation"]
    escalated = dm_to(h, VICTOR, "Escalated to you: Dana Kim has not answered")
    assert len(posts(h, "asked Victor Lang to decide it too", thread_ts=card.ts)) == 1
    assert tick_at(h, 2026, 3, 10, 12).followups == []  # once
    assert len(posts(h, "Reminder:", channel=DANA)) == 1
    assert len(posts(h, "Escalated to you", channel=VICTOR)) == 1

    h.click(
        VICTOR,
        button(escalated.payload, Action.APPROVE),
        channel=escalated.channel,
        ts=escalated.ts,
    )
    updated(h, reminder)  # Dana's reminder loses its buttons: Victor decided
    decided = request(h, made.id)
    assert decided.steps[0].status is StepStatus.APPROVED
    assert decided.steps[0].decided_by == "victor.lang@acme.test"
    with h.runtime.uow() as uow:
        actions = [e.action for e in uow.audit.for_request(made.id)]
    assert actions.count("request.reminded") == actions.count("request.escalated") == 1


def test_a_collapsed_route_is_one_step_and_four_eyes_adds_the_manager(
    slack: SlackHarness,
) -> None:
    """Jonas asks for PII access in Snowflake: his manager, the owner step (Jonas owns
    it) and the data-owners group all come down to Nadia; Victor is added."""
    h = slack
    card = card_for(h, JONAS, "snowflake pii reader for 30 days")
    submit(h, JONAS, card)
    receipt = updated(h, card, count=2)
    assert "Nadia Petrov · manager, owner, data-owners (step 1 of 2)" in receipt["text"]
    (made,) = requests_of(h, "jonas.berg@acme.test")
    assert made.four_eyes and len(made.steps) == 4
    ask = dm_to(h, NADIA, made.id)
    assert "step 1 of 2" in ask.payload["text"]
    chain = str(ask.payload["blocks"])
    assert "Nadia Petrov · manager, owner, data-owners → 2. Victor Lang · second approver" in chain

    h.click(NADIA, button(ask.payload, Action.APPROVE), channel=ask.channel, ts=ask.ts)
    updated(h, ask)
    after = request(h, made.id)
    assert after.state is State.SUBMITTED
    assert [s.decided_by for s in after.steps] == ["nadia.petrov@acme.test"] * 3 + [None]
    second = dm_to(h, VICTOR, made.id)
    h.click(VICTOR, button(second.payload, Action.APPROVE), channel=second.channel, ts=second.ts)
    updated(h, second)
    assert request(h, made.id).state is not State.SUBMITTED
