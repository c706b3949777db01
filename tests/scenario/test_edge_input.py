"""Bad input at the HTTP edge: never a 5xx, never a side effect, always a log line.

Headers no one signed, bodies too large to read, and signed bodies that are not the
Slack payloads the app handles are all refused before Bolt or the inbox see them.
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import json
import logging
import time
from collections.abc import AsyncIterator
from typing import Any
from urllib.parse import urlencode

import httpx
import pytest

from slack_app.blocks.ids import Action
from slack_app.testing.signing import SECRET
from tests.scenario.flows import request, submitted
from tests.scenario.footprint import footprint
from tests.scenario.harness import EVENTS, SlackHarness

HOME = {"type": "app_home_opened", "user": "U01ALEX", "tab": "messages"}  # a handled no-op
EVENT = json.dumps({"type": "event_callback", "team_id": "T01ACME", "event": HOME})


TIMESTAMPS = ["abc", "", "1e9", "1796103809.5", "0x10", " 1", "+1", "1_0", "9" * 5000]


@pytest.mark.parametrize("timestamp", [t.encode() for t in TIMESTAMPS] + ["\u0663".encode()])
def test_a_timestamp_that_is_not_a_whole_number_is_401(
    slack: SlackHarness, timestamp: bytes, caplog: pytest.LogCaptureFixture
) -> None:
    headers = {b"Content-Type": b"application/json", b"X-Slack-Request-Timestamp": timestamp}
    before = footprint(slack)
    with caplog.at_level(logging.WARNING, logger="slack_app.web.server"):
        answer = slack.http.post(EVENTS, content=EVENT.encode(), headers=headers)
    assert answer.status_code == 401
    assert "rejected a request with a bad or stale Slack signature" in caplog.text
    assert footprint(slack) == before


def test_a_signature_that_is_not_ascii_is_401(slack: SlackHarness) -> None:
    ts = str(int(time.time())).encode()
    headers = {b"X-Slack-Request-Timestamp": ts, b"X-Slack-Signature": "v0=\u00e9".encode()}
    assert slack.http.post(EVENTS, content=EVENT.encode(), headers=headers).status_code == 401


def test_a_body_that_is_not_utf8_is_refused_signed_or_not(
    slack: SlackHarness, caplog: pytest.LogCaptureFixture
) -> None:
    body = b'{"type": "event_callback", "event": "\xff\xfe"}'
    before = footprint(slack)
    ts = str(int(time.time()))
    unsigned = {"X-Slack-Request-Timestamp": ts, "X-Slack-Signature": "v0=00"}
    with caplog.at_level(logging.WARNING, logger="slack_app.web.server"):
        first = slack.http.post(EVENTS, content=body, headers=unsigned)
    assert first.status_code == 401
    signed = {"X-Slack-Request-Timestamp": ts, "X-Slack-Signature": sign_bytes(body, ts)}
    with caplog.at_level(logging.WARNING, logger="slack_app.web.server"):
        second = slack.http.post(EVENTS, content=body, headers=signed)
    assert second.status_code == 400
    assert "malformed Slack payload" in caplog.text
    assert footprint(slack) == before


def sign_bytes(body: bytes, ts: str) -> str:
    """Slack's signature over the raw bytes (the harness signs text)."""
    base = b"v0:" + ts.encode() + b":" + body
    return "v0=" + hmac.new(SECRET.encode(), base, hashlib.sha256).hexdigest()


# --- item 4: the body is not read past the limit ----------------------------------------
CHUNK = 64 * 1024


class Counted:
    """A request body of `total` bytes, streamed in chunks; counts what was pulled."""

    def __init__(self, total: int) -> None:
        self.total, self.pulled = total, 0

    async def __aiter__(self) -> AsyncIterator[bytes]:
        while self.pulled < self.total:
            self.pulled += CHUNK
            yield b"x" * CHUNK


def _post_streamed(h: SlackHarness, body: Counted, headers: dict[str, str]) -> httpx.Response:
    async def go() -> httpx.Response:
        transport = httpx.ASGITransport(app=h.http.app)
        async with httpx.AsyncClient(transport=transport, base_url="http://edge") as client:
            return await client.post(EVENTS, content=body, headers=headers)

    return asyncio.run(go())


def test_a_declared_oversized_body_is_413_and_not_read(
    slack: SlackHarness, caplog: pytest.LogCaptureFixture
) -> None:
    body = Counted(300 * 1024 * 1024)
    headers = {"Content-Length": str(body.total), "X-Slack-Request-Timestamp": "1"}
    with caplog.at_level(logging.WARNING, logger="slack_app.web.server"):
        answer = _post_streamed(slack, body, headers)
    assert answer.status_code == 413
    assert body.pulled <= CHUNK
    assert "too large" in caplog.text


def test_a_streamed_body_is_read_only_up_to_the_limit(slack: SlackHarness) -> None:
    body = Counted(300 * 1024 * 1024)  # chunked: no Content-Length to trust
    answer = _post_streamed(slack, body, {"X-Slack-Request-Timestamp": "1"})
    assert answer.status_code == 413
    assert body.pulled <= slack.runtime.settings.slack_max_body_bytes + 2 * CHUNK


def test_a_body_under_the_limit_is_still_read(slack: SlackHarness) -> None:
    limit = slack.runtime.settings.slack_max_body_bytes
    padded = json.dumps({**json.loads(EVENT), "pad": "x" * (limit - 200)})
    assert slack.post(padded, "application/json").status_code == 200


# --- item 5: signed, but not a payload the app handles --------------------------------
def _block_actions(**changes: Any) -> dict[str, Any]:
    payload: dict[str, Any] = {
        "type": "block_actions",
        "team": {"id": "T01ACME"},
        "user": {"id": "U01ALEX", "team_id": "T01ACME"},
        "trigger_id": "trig.1",
        "container": {"type": "message", "message_ts": "1.2", "channel_id": "D01ALEX"},
        "channel": {"id": "D01ALEX"},
        "actions": [{"type": "button", "action_id": Action.EDIT, "block_id": "b", "value": "x"}],
    }
    return {**payload, **changes}


def _event(event: Any) -> str:
    return json.dumps({"type": "event_callback", "team_id": "T01ACME", "event": event})


MALFORMED_FORMS = {
    "actions empty": _block_actions(actions=[]),
    "actions [{}]": _block_actions(actions=[{}]),
    "actions a string": _block_actions(actions="approve"),
    "channel a number": _block_actions(channel=5),
    "user a string": _block_actions(user="U01ALEX"),
    "view without callback_id": {"type": "view_submission", "user": {"id": "U1"}, "view": {}},
    "state values a list": {
        "type": "view_submission",
        "user": {"id": "U01DANA"},
        "view": {"type": "modal", "callback_id": Action.REJECT_MODAL, "state": {"values": [1]}},
    },
    "options without action_id": {"type": "block_suggestion", "user": {"id": "U1"}, "value": ""},
    "options with a null view": {
        "type": "block_suggestion",
        "user": {"id": "U01ALEX"},
        "action_id": Action.SUBMIT,
        "view": None,
    },
    "view without type": {
        "type": "view_submission",
        "user": {"id": "U01DANA"},
        "view": {"callback_id": Action.REJECT_MODAL, "private_metadata": "AR-1"},
    },
    "team a number": _block_actions(team=7),
    "enterprise a number": _block_actions(enterprise=7),
    "authorizations a string": _block_actions(authorizations="T01ACME"),
    "an unknown type": {"type": "surprise", "user": {"id": "U1"}},
}
MALFORMED_JSON = {
    "deeply nested": '{"type": "event_callback", "event": ' + "[" * 50_000 + "]" * 50_000 + "}",
    "event a string": _event("message"),
    "event a list": _event([HOME]),
    "event without type": _event({"user": "U01ALEX"}),
    "message text a number": _event({**HOME, "type": "message", "text": 5, "channel": "D1"}),
    "another event's user a number": _event({"type": "reaction_added", "user": 5}),
    "message without channel": _event({"type": "message", "channel_type": "im", "user": "U1"}),
    "home opened without user": _event({"type": "app_home_opened", "tab": "home"}),
    "url_verification without challenge": json.dumps({"type": "url_verification"}),
}


@pytest.mark.parametrize("name", sorted(MALFORMED_FORMS))
def test_a_signed_malformed_interaction_is_400(
    slack: SlackHarness, name: str, caplog: pytest.LogCaptureFixture
) -> None:
    before = footprint(slack)
    with caplog.at_level(logging.WARNING, logger="slack_app.web.server"):
        answer = slack.interactive(MALFORMED_FORMS[name])
    assert answer.status_code == 400
    assert "malformed Slack payload" in caplog.text
    assert footprint(slack) == before


@pytest.mark.parametrize("name", sorted(MALFORMED_JSON))
def test_a_signed_malformed_event_is_400(
    slack: SlackHarness, name: str, caplog: pytest.LogCaptureFixture
) -> None:
    before = footprint(slack)
    with caplog.at_level(logging.WARNING, logger="slack_app.web.server"):
        answer = slack.post(MALFORMED_JSON[name], "application/json")
    assert answer.status_code == 400
    assert "malformed Slack payload" in caplog.text
    assert footprint(slack) == before


def test_a_command_form_without_a_command_is_400(slack: SlackHarness) -> None:
    form = urlencode({"user_id": "U01ALEX", "text": "hi"})
    assert slack.post(form, "application/x-www-form-urlencoded").status_code == 400


@pytest.mark.parametrize("day", ["2026-13-45", "9999-12-31", "2026-02-30"])
def test_an_impossible_day_in_the_changes_modal_is_a_field_error(
    slack: SlackHarness, day: str
) -> None:
    h = slack
    rid, _ = submitted(h)
    state = {Action.NEW_END: {Action.NEW_END: {"type": "datepicker", "selected_date": day}}}
    answer = h.submit_view("U01DANA", Action.APPROVE_CHANGES_MODAL, rid, state)
    assert answer.status_code == 200
    assert answer.json()["response_action"] == "errors"
    assert set(answer.json()["errors"]) == {Action.NEW_END}
    assert request(h, rid).current_step is not None
    assert request(h, rid).current_step.index == 0  # type: ignore[union-attr]


@pytest.mark.parametrize("part", ["\u00b2", "1" * 5000])
def test_an_odd_index_in_an_approver_search_gets_no_options(slack: SlackHarness, part: str) -> None:
    action_id = f"{Action.PICK_APPROVER}|{part}|1"
    search = {"type": "block_suggestion", "user": {"id": "U01ALEX"}, "action_id": action_id}
    answer = slack.interactive({**search, "block_id": "b", "channel": {"id": "D01ALEX"}})
    assert answer.status_code == 200
    assert answer.json() == {"options": []}


@pytest.mark.parametrize(
    "action",
    [
        {"type": "button", "action_id": Action.CHOOSE_CANDIDATE, "value": "no-separator"},
        {"type": "static_select", "action_id": Action.CHOOSE_CANDIDATE, "block_id": "b"},
        {"type": "button", "action_id": Action.CHOOSE_SELECTED, "value": "x"},
        {"type": "button", "action_id": Action.CHOOSE_ALL, "value": ""},
    ],
)
def test_a_choice_click_naming_no_question_is_refused_privately(
    slack: SlackHarness, action: dict[str, Any], caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.ERROR):
        answer = slack.interactive(_block_actions(actions=[action]))
        (told,) = slack.slack.wait_for("chat.postEphemeral")
    assert answer.status_code == 200
    assert told["text"] == "Only the person who asked can answer this question."
    assert [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR] == []
