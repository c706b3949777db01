"""The card's tick boxes in Slack: Submit requests the ticked items only; nothing ticked
submits nothing; a toggle is acked and does nothing; and a Submit whose payload was
altered to ask for more (an item not on the card, a longer end, another card's
fingerprint) submits nothing more than the card, and the domain refuses a draft that
asks for more even when it gets that far."""

from __future__ import annotations

import time
from datetime import timedelta
from typing import Any

import pytest

from domain.errors import DomainError
from slack_app.agent_wiring import build_runner
from slack_app.blocks.ids import SEP, Action, pack
from slack_app.listeners.card import STALE
from slack_app.services.requests import submit_proposal
from slack_app.services.ticks import NOTHING_TICKED
from tests.scenario.flows import Message, card_for, reason_state, requests_of, updated
from tests.scenario.harness import SlackHarness, button
from tools.proposal_models import Proposal

ALEX, ALEX_ID = "U01ALEX", "alex.meyer@acme.test"
THREE = "github write and datadog standard and aws production read-only for 3 weeks"


def ticks(*values: str) -> dict[str, Any]:
    chosen = [{"value": v, "text": {"type": "mrkdwn", "text": v}} for v in values]
    return {
        pack(Action.CARD_ITEMS, "0"): {
            Action.CARD_ITEMS: {"type": "checkboxes", "selected_options": chosen}
        }
    }


def submit_with(
    h: SlackHarness, card: Message, values: dict[str, Any], element: dict[str, Any] | None = None
) -> None:
    answer = h.click(
        ALEX,
        element or button(card.payload, Action.SUBMIT),
        channel=card.channel,
        ts=card.ts,
        values={**reason_state("New project"), **values},
    )
    assert answer.status_code == 200


def card_items(card: Message) -> list[str]:
    boxes = next(
        e
        for b in card.payload["blocks"]
        for e in b.get("elements", [])
        if e.get("type") == "checkboxes"
    )
    return [o["value"] for o in boxes["initial_options"]]


def test_submit_requests_only_the_ticked_items(slack: SlackHarness) -> None:
    h = slack
    card = card_for(h, ALEX, THREE)
    assert card_items(card) == ["github:write", "datadog:standard", "aws-prod:read-only"]
    submit_with(h, card, ticks("github:write", "aws-prod:read-only"))
    receipt = updated(h, card, count=2)
    assert "submitted" in receipt["text"].lower() and "Datadog" not in receipt["text"]
    items = sorted(i.entitlement_id for r in requests_of(h, ALEX_ID) for i in r.items)
    assert items == ["aws-prod:read-only", "github:write"]


def test_nothing_ticked_submits_nothing(slack: SlackHarness) -> None:
    h = slack
    card = card_for(h, ALEX, THREE)
    submit_with(h, card, ticks())
    (told,) = h.slack.wait_for("chat.postEphemeral")
    assert told["text"] == NOTHING_TICKED
    assert requests_of(h, ALEX_ID) == []
    submit_with(h, card, ticks(*card_items(card)))  # the card still waits: tick, Submit
    updated(h, card, count=2)
    assert len(requests_of(h, ALEX_ID)) == 3


def test_a_tick_toggle_is_acked_and_changes_nothing(slack: SlackHarness) -> None:
    h = slack
    card = card_for(h, ALEX, THREE)
    toggle = {"type": "checkboxes", "action_id": Action.CARD_ITEMS, "value": None}
    answer = h.click(
        ALEX,
        toggle,
        channel=card.channel,
        ts=card.ts,
        values=ticks("github:write"),
        block_id=pack(Action.CARD_ITEMS, "0"),
    )
    assert answer.status_code == 200
    time.sleep(0.3)
    assert requests_of(h, ALEX_ID) == []
    assert h.slack.calls("chat.postEphemeral") == []


def test_a_submit_altered_to_ask_for_more_submits_no_more_than_the_card(
    slack: SlackHarness,
) -> None:
    h = slack
    card = card_for(h, ALEX, "datadog standard for 3 days")
    assert card_items(card) == ["datadog:standard"]
    forged = {
        **ticks("datadog:standard", "salesforce:system-admin", "aws-prod:admin"),
        Action.NEW_END: {Action.NEW_END: {"type": "datepicker", "selected_date": "2027-12-31"}},
        Action.END_DATE: {Action.END_DATE: {"type": "datepicker", "selected_date": "2027-12-31"}},
    }
    submit_with(h, card, forged)
    updated(h, card, count=2)
    [made] = requests_of(h, ALEX_ID)
    assert [i.entitlement_id for i in made.items] == ["datadog:standard"]
    assert made.end is not None
    assert made.end - h.runtime.clock.now() < timedelta(days=4)  # the card's 3 days, no more


def test_a_submit_carrying_another_cards_fingerprint_is_refused(slack: SlackHarness) -> None:
    h = slack
    card = card_for(h, ALEX, "datadog standard for 3 days")
    element = dict(button(card.payload, Action.SUBMIT))
    thread = element["value"].split(SEP)[0]
    element["value"] = pack(thread, "0123456789abcdef")  # a card made up for more
    submit_with(h, card, ticks("datadog:standard"), element)
    (told,) = h.slack.wait_for("chat.postEphemeral")
    assert told["text"] == STALE
    assert requests_of(h, ALEX_ID) == []


def test_the_domain_refuses_a_draft_altered_to_ask_for_more(slack: SlackHarness) -> None:
    """Past the card: a proposal altered on its way to submission (an item not
    requestable as shown, an end past its cap) is refused by submit() itself."""
    h = slack
    card = card_for(h, ALEX, "aws production read-only for 3 days")
    thread = button(card.payload, Action.SUBMIT)["value"].split(SEP)[0]
    longer = _conversation_proposal(h, thread).model_copy(deep=True)
    far = (h.runtime.clock.now() + timedelta(days=365)).isoformat()
    longer.items[0].end = far
    assert longer.duration is not None
    longer.duration.end = far
    with pytest.raises(DomainError) as refused:
        submit_proposal(h.runtime, longer, actor=ALEX_ID, reason="New project", key="forged:1")
    assert refused.value.code == "over_cap"
    assert requests_of(h, ALEX_ID) == []


def _conversation_proposal(h: SlackHarness, thread: str) -> Proposal:
    """The card's proposal as the conversation holds it (a runner on the same store)."""
    runner = build_runner(h.runtime)
    return Proposal.model_validate(runner.state(thread)["proposal"])


def test_an_untick_survives_a_typed_change(slack: SlackHarness) -> None:
    """No change is silent: "make it 3 days" draws the new card with Datadog still
    unticked, and Submit with that card's ticks leaves it out."""
    h = slack
    card = card_for(h, ALEX, THREE)
    toggle = {"type": "checkboxes", "action_id": Action.CARD_ITEMS, "value": None}
    answer = h.click(
        ALEX,
        toggle,
        channel=card.channel,
        ts=card.ts,
        values=ticks("github:write", "aws-prod:read-only"),
        block_id=pack(Action.CARD_ITEMS, "0"),
    )
    assert answer.status_code == 200
    time.sleep(0.3)
    again = card_for(h, ALEX, "make it 3 days")
    assert card_items(again) == ["github:write", "aws-prod:read-only"]
    submit_with(h, again, ticks(*card_items(again)))
    updated(h, again, count=2)
    items = sorted(i.entitlement_id for r in requests_of(h, ALEX_ID) for i in r.items)
    assert items == ["aws-prod:read-only", "github:write"]
