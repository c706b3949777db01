"""Slack's Web API failing: retried at the edge, and never changing a request's outcome."""

from __future__ import annotations

from domain.model.requests import State
from tests.scenario.flows import card_for, request, requests_of, submit, updated
from tests.scenario.harness import SlackHarness

ALEX = "U01ALEX"


def test_a_429_from_chat_post_message_is_retried_after_retry_after(slack: SlackHarness) -> None:
    h = slack
    h.slack.fail_once("chat.postMessage", 429, retry_after=1)
    card_for(h, ALEX, "github write for 3 days")
    first, second = h.slack.all_calls("chat.postMessage")
    assert (first.status, second.status) == (429, 200)
    assert first.body == second.body
    assert second.at - first.at >= 0.95  # Retry-After: 1 was honoured


def test_a_500_is_retried(slack: SlackHarness) -> None:
    h = slack
    card = card_for(h, ALEX, "github write for 3 days")
    h.slack.fail_once("chat.update", 500)
    submit(h, ALEX, card)
    receipt = updated(h, card, count=3)  # the card, the failed receipt, the retried one
    assert "submitted" in receipt["text"].lower()
    assert [c.status for c in h.slack.all_calls("chat.update")] == [200, 500, 200]


def test_an_unreachable_approver_dm_does_not_change_the_outcome(slack: SlackHarness) -> None:
    h = slack
    card = card_for(h, ALEX, "github write for 3 days")
    for _ in range(4):  # every attempt of the approver DM fails
        h.slack.fail_once("chat.postMessage", 503)
    submit(h, ALEX, card)
    h.slack.wait_for("chat.postMessage", count=5, timeout=15)
    updated(h, card, count=2)
    (made,) = requests_of(h, "alex.meyer@acme.test")
    assert request(h, made.id).state is State.SUBMITTED
    assert [c.status for c in h.slack.all_calls("chat.postMessage")][1:] == [503] * 4
