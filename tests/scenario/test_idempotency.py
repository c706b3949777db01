"""Slack delivers at least once and people double-click: each changes things once."""

from __future__ import annotations

import time

from slack_app.blocks.ids import Action
from slack_app.slackapi.replies import SUPERSEDED
from tests.scenario.flows import (
    card_for,
    dm_to,
    reason_state,
    requests_of,
    submit,
    submitted,
    updated,
)
from tests.scenario.harness import SlackHarness, button

ALEX, DANA = "U01ALEX", "U01DANA"
ALEX_ID = "alex.meyer@acme.test"
SETTLE = 0.5  # time for a wrongly processed duplicate to show up in the fake


def test_an_events_api_retry_with_the_same_event_id_is_processed_once(slack: SlackHarness) -> None:
    h = slack
    assert h.dm(ALEX, "github write for 3 days", event_id="Ev0RETRY").status_code == 200
    assert h.dm(ALEX, "github write for 3 days", event_id="Ev0RETRY", retry=1).status_code == 200
    h.slack.wait_for("chat.update")
    time.sleep(SETTLE)
    assert len(h.slack.calls("chat.postMessage")) == 1  # one "Thinking…"
    assert len(h.slack.calls("chat.update")) == 1  # one card


def test_a_double_submit_click_makes_one_request(slack: SlackHarness) -> None:
    h = slack
    card = card_for(h, ALEX, "github write for 3 days")
    submit = button(card.payload, Action.SUBMIT)
    for _ in range(2):
        h.click(ALEX, submit, channel=card.channel, ts=card.ts, values=reason_state("Onboarding"))
    updated(h, card, count=2)
    (made,) = requests_of(h, ALEX_ID)
    dm_to(h, DANA, made.id)
    time.sleep(SETTLE)
    assert len(requests_of(h, ALEX_ID)) == 1
    assert len([b for b in h.slack.calls("chat.postMessage") if b["channel"] == DANA]) == 1
    assert h.slack.calls("chat.postEphemeral") == []  # the second click is silently a no-op


def test_a_double_approve_click_decides_once(slack: SlackHarness) -> None:
    h = slack
    rid, dana_dm = submitted(h)
    approve = button(dana_dm.payload, Action.APPROVE)
    for _ in range(2):
        h.click(DANA, approve, channel=dana_dm.channel, ts=dana_dm.ts)
    updated(h, dana_dm)
    time.sleep(SETTLE)
    with h.runtime.uow() as uow:
        actions = [e.action for e in uow.audit.for_request(rid)]
    assert actions.count("step.approved") == 1
    assert "decision.refused" not in actions  # a stale second click is no probe
    for said in h.slack.calls("chat.postEphemeral"):  # depending on timing: silence, or
        assert said["text"] == f"You already decided your step of {rid}."


def test_submit_on_an_older_card_turns_it_into_the_replaced_note(slack: SlackHarness) -> None:
    h = slack
    old = card_for(h, ALEX, "github write for 3 days")
    new = card_for(h, ALEX, "make it 2 days")
    assert updated(h, old, count=2)["text"] == SUPERSEDED  # retired by the newer turn
    h.click(  # a client that still shows the old card's buttons
        ALEX,
        button(old.payload, Action.SUBMIT),
        channel=old.channel,
        ts=old.ts,
        values=reason_state("New project"),
    )
    assert updated(h, old, count=3)["text"] == SUPERSEDED
    assert requests_of(h, ALEX_ID) == []  # the card showed 3 days; it was not submitted
    assert h.slack.calls("chat.postEphemeral") == []  # the note says it all
    submit(h, ALEX, new)
    updated(h, new, count=2)
    (made,) = requests_of(h, ALEX_ID)
    assert made.end is not None and made.end.date().isoformat() == "2026-03-06"
