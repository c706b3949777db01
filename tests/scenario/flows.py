"""Steps of the journey as Slack users take them, each waiting (bounded) for the bot."""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any

from domain.model.requests import AccessRequest
from slack_app.blocks.ids import Action
from slack_app.testing.slack_api import Call, dm_channel
from tests.scenario.harness import SlackHarness, button, has_action


@dataclass(frozen=True)
class Message:
    channel: str
    ts: str
    payload: dict[str, Any]


def card_for(h: SlackHarness, user: str, text: str) -> Message:
    """DM the bot and wait for "Thinking…" to be replaced by the confirmation card."""
    is_card = has_action(Action.SUBMIT)
    before = len([b for b in h.slack.calls("chat.update") if is_card(b)])
    assert h.dm(user, text).status_code == 200
    card = h.slack.wait_for("chat.update", is_card, count=before + 1)[-1]
    return Message(card["channel"], card["ts"], card)


def reason_state(reason: str) -> dict[str, Any]:
    selected = {"type": "static_select", "selected_option": {"value": reason}}
    return {Action.REASON_SELECT: {Action.REASON_SELECT: selected}}


def submit(h: SlackHarness, user: str, card: Message, reason: str = "New project") -> None:
    h.click(
        user,
        button(card.payload, Action.SUBMIT),
        channel=card.channel,
        ts=card.ts,
        values=reason_state(reason),
    )


def requests_of(h: SlackHarness, person: str) -> list[AccessRequest]:
    with h.runtime.uow() as uow:
        return uow.requests.by_requester(person)


def request(h: SlackHarness, rid: str) -> AccessRequest:
    with h.runtime.uow() as uow:
        found = uow.requests.get(rid)
    assert found is not None
    return found


def dm_to(h: SlackHarness, user: str, contains: str, *, count: int = 1) -> Message:
    """The bot's latest DM to `user` whose text mentions `contains` (waits for it)."""
    h.slack.wait_for(
        "chat.postMessage",
        lambda b: b.get("channel") == user and contains in b.get("text", ""),
        count=count,
    )

    def sent() -> list[Call]:  # answered: the fake records a call before it answers it
        return [
            c
            for c in h.slack.all_calls("chat.postMessage")
            if c.body.get("channel") == user
            and contains in c.body.get("text", "")
            and c.status == 200
            and c.response
        ]

    deadline = time.monotonic() + 10
    while len(sent()) < count and time.monotonic() < deadline:
        time.sleep(0.02)
    last = sent()[-1]
    assert last.response["channel"] == dm_channel(user)
    return Message(last.response["channel"], last.response["ts"], last.body)


def updated(h: SlackHarness, message: Message, *, count: int = 1) -> dict[str, Any]:
    """Wait until `message` was updated (`count` times); the latest version."""
    return h.slack.wait_for("chat.update", lambda b: b.get("ts") == message.ts, count=count)[-1]


def submitted(h: SlackHarness, text: str = "github write for 3 days") -> tuple[str, Message]:
    """Alex asks for one request's worth; returns its id and Dana's approval DM."""
    card = card_for(h, "U01ALEX", text)
    submit(h, "U01ALEX", card)
    updated(h, card, count=2)
    (made,) = requests_of(h, "alex.meyer@acme.test")
    return made.id, dm_to(h, "U01DANA", made.id)
