"""Only the conversation's current card counts: a click on a replaced one (a client
still showing it, a second replica behind) turns that message into the "replaced" note
and does nothing else. Which card is current is kept in the store (`Cards`), so this
holds on every replica; `tests/integration/test_replicas_cards.py` runs two `serve`
processes on PostgreSQL."""

from __future__ import annotations

import time
from typing import Any

from slack_app.blocks.ids import Action
from slack_app.listeners.card import NOTHING_TO_CANCEL
from slack_app.slackapi.replies import SUPERSEDED
from tests.scenario.flows import Message, card_for, requests_of, submit, updated
from tests.scenario.harness import SlackHarness, block_values, button

ALEX, ALEX_ID = "U01ALEX", "alex.meyer@acme.test"
THREE = "github write and datadog standard and aws production read-only for 3 weeks"
SETTLE = 0.5  # time for a wrongly processed click to show up in the fake


def two_cards(h: SlackHarness, first: str = "github write for 3 days") -> tuple[Message, Message]:
    old = card_for(h, ALEX, first)
    new = card_for(h, ALEX, "make it 2 days")
    assert updated(h, old, count=2)["text"] == SUPERSEDED
    return old, new


def click(h: SlackHarness, card: Message, element: dict[str, Any]) -> None:
    assert h.click(ALEX, element, channel=card.channel, ts=card.ts).status_code == 200


def test_cancel_on_a_replaced_card_leaves_the_newer_card_to_submit(slack: SlackHarness) -> None:
    h = slack
    old, new = two_cards(h)
    click(h, old, button(old.payload, Action.CANCEL))
    assert updated(h, old, count=3)["text"] == SUPERSEDED  # not "Cancelled"
    time.sleep(SETTLE)
    assert [u for u in h.slack.calls("chat.update") if u["ts"] == new.ts] == [new.payload]
    submit(h, ALEX, new)
    assert "Cancelled" not in updated(h, new, count=2)["text"]
    (made,) = requests_of(h, ALEX_ID)
    assert made.end is not None and made.end.date().isoformat() == "2026-03-06"


def test_edit_and_a_tick_on_a_replaced_card_only_show_the_note(slack: SlackHarness) -> None:
    h = slack
    old, _ = two_cards(h, THREE)
    boxes = next(e for e in block_values(old.payload) if e["action_id"] == Action.CARD_ITEMS)
    click(h, old, button(old.payload, Action.EDIT))
    assert updated(h, old, count=3)["text"] == SUPERSEDED
    click(h, old, {**boxes, "type": "checkboxes"})
    assert updated(h, old, count=4)["text"] == SUPERSEDED
    time.sleep(SETTLE)
    assert h.slack.calls("chat.postEphemeral") == []  # no edit hint on a replaced card


def test_the_current_cards_edit_and_ticks_still_work(slack: SlackHarness) -> None:
    h = slack
    card = card_for(h, ALEX, THREE)
    boxes = next(e for e in block_values(card.payload) if e["action_id"] == Action.CARD_ITEMS)
    click(h, card, {**boxes, "type": "checkboxes"})
    click(h, card, button(card.payload, Action.EDIT))
    assert "make it 3 days" in h.slack.wait_for("chat.postEphemeral")[-1]["text"]
    time.sleep(SETTLE)
    assert [u for u in h.slack.calls("chat.update") if u["ts"] == card.ts] == [card.payload]


def test_a_card_answered_by_words_is_replaced_too(slack: SlackHarness) -> None:
    """A turn without a card (here a question) leaves no card current."""
    h = slack
    card = card_for(h, ALEX, "github write for 3 days")
    assert h.dm(ALEX, "hello").status_code == 200
    assert updated(h, card, count=2)["text"] == SUPERSEDED
    submit(h, ALEX, card)
    assert updated(h, card, count=3)["text"] == SUPERSEDED
    assert requests_of(h, ALEX_ID) == []


def test_a_read_only_answer_leaves_the_open_card_current(slack: SlackHarness) -> None:
    h = slack
    card = card_for(h, ALEX, "github write for 3 days")
    before = len(h.slack.calls("chat.update"))
    assert h.dm(ALEX, "what's pending?").status_code == 200
    h.slack.wait_for("chat.update", count=before + 1)
    submit(h, ALEX, card)
    receipt = updated(h, card, count=2)["text"]
    (made,) = requests_of(h, ALEX_ID)
    assert receipt.startswith(f"Submitted: {made.id}")


def test_a_second_cancel_on_the_cancelled_card_says_nothing_is_left(slack: SlackHarness) -> None:
    h = slack
    card = card_for(h, ALEX, "github write for 3 days")
    for _ in range(2):
        click(h, card, button(card.payload, Action.CANCEL))
    assert "Cancelled" in updated(h, card, count=2)["text"]
    said = h.slack.wait_for("chat.postEphemeral")[-1]
    assert said["text"] == NOTHING_TO_CANCEL
    time.sleep(SETTLE)
    assert len([u for u in h.slack.calls("chat.update") if u["ts"] == card.ts]) == 2


def test_the_turn_after_a_submit_leaves_the_receipt_alone(slack: SlackHarness) -> None:
    h = slack
    card = card_for(h, ALEX, "github write for 3 days")
    submit(h, ALEX, card)
    receipt = updated(h, card, count=2)
    card_for(h, ALEX, "datadog standard for 2 days")
    time.sleep(SETTLE)
    assert [u for u in h.slack.calls("chat.update") if u["ts"] == card.ts][-1] == receipt
