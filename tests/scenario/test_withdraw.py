"""Cancel after submitting: the receipt's button and App Home's (docs/specs/conversation.md §4)."""

from __future__ import annotations

from typing import Any

from domain.model.requests import State
from slack_app.blocks.ids import Action
from tests.scenario.flows import card_for, dm_to, request, requests_of, submit, updated
from tests.scenario.harness import SlackHarness, button

ALEX, DANA = "U01ALEX", "U01DANA"


def _withdraw_block(payload: dict[str, Any]) -> dict[str, Any]:
    return next(
        b
        for b in payload["blocks"]
        if b["type"] == "actions" and b["elements"][0]["action_id"].startswith(Action.WITHDRAW)
    )


def test_cancel_on_the_receipt_withdraws_and_tells_the_approver(slack: SlackHarness) -> None:
    h = slack
    card = card_for(h, ALEX, "github write for 3 days")
    submit(h, ALEX, card)
    receipt = updated(h, card, count=2)
    (made,) = requests_of(h, "alex.meyer@acme.test")
    dana_dm = dm_to(h, DANA, made.id)
    block = _withdraw_block(receipt)
    h.click(
        DANA, block["elements"][0], channel=card.channel, ts=card.ts, block_id=block["block_id"]
    )
    h.slack.wait_for(
        "chat.postEphemeral",
        lambda b: b["user"] == DANA and "Only the requester can cancel" in b["text"],
    )
    assert request(h, made.id).state is State.SUBMITTED
    h.click(
        ALEX, block["elements"][0], channel=card.channel, ts=card.ts, block_id=block["block_id"]
    )
    assert (
        "Withdrawn by the requester" in updated(h, dana_dm)["text"]
        or "withdrawn" in str(updated(h, dana_dm)["blocks"]).lower()
    )
    assert request(h, made.id).state is State.CANCELLED
    redrawn = updated(h, card, count=3)  # card, receipt, receipt redrawn
    assert "cancelled" in redrawn["text"]
    assert not any(b["type"] == "actions" for b in redrawn["blocks"])


def test_cancel_in_app_home(slack: SlackHarness) -> None:
    h = slack
    card = card_for(h, ALEX, "github write for 3 days")
    submit(h, ALEX, card)
    updated(h, card, count=2)
    (made,) = requests_of(h, "alex.meyer@acme.test")
    dm_to(h, DANA, made.id)
    h.event({"type": "app_home_opened", "user": ALEX, "tab": "home"})
    (published,) = h.slack.wait_for("views.publish")
    assert button(published["view"], Action.WITHDRAW)["value"] == made.id
    h.home_click(ALEX, Action.WITHDRAW, made.id)
    h.slack.wait_for(
        "views.publish", lambda b: "Your open requests (0)" in str(b["view"]["blocks"])
    )
    assert request(h, made.id).state is State.CANCELLED


def test_cancel_in_words_withdraws_and_tells_the_approver(slack: SlackHarness) -> None:
    h = slack
    card = card_for(h, ALEX, "github write for 3 days")
    submit(h, ALEX, card)
    updated(h, card, count=2)
    (made,) = requests_of(h, "alex.meyer@acme.test")
    dana_dm = dm_to(h, DANA, made.id)
    h.dm(ALEX, "please cancel my github request")
    h.slack.wait_for("chat.update", lambda b: f"Cancelled {made.id}" in b.get("text", ""))
    assert request(h, made.id).state is State.CANCELLED
    assert "withdrawn" in str(updated(h, dana_dm)).lower()
