"""The "ends soon" notice offers Extend (docs/specs/conversation.md §4)."""

from __future__ import annotations

from slack_app.blocks import notices
from slack_app.blocks.ids import Action
from tests.orgs import small_directory
from tests.unit.blocks.sample_requests import requests


def test_the_ends_soon_notice_has_an_extend_button_carrying_the_request_id() -> None:
    d = small_directory()
    granted = requests()["granted"]
    payload = notices.expiring_soon(granted, d)
    (bar,) = [b for b in payload["blocks"] if b["type"] == "actions"]
    (extend,) = bar["elements"]
    assert extend["action_id"] == Action.EXTEND and extend["value"] == granted.id
    assert extend["text"]["text"] == "Extend"
    assert "Extend" in payload["blocks"][-2]["elements"][0]["text"]


def test_other_notices_still_carry_no_buttons() -> None:
    d = small_directory()
    granted = requests()["granted"]
    for payload in (notices.granted(granted, d), notices.expired(granted, d)):
        assert not any(b["type"] == "actions" for b in payload["blocks"])
