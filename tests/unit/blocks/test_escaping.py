"""Names, reasons and model words cannot ping, mention or link: mrkdwn is escaped."""

from __future__ import annotations

import json

import pytest

from slack_app.blocks.escape import clip, mrkdwn
from tests.unit.blocks.payloads import build_all
from tests.unit.blocks.samples import EVIL, hostile
from tests.unit.blocks.slack_limits import mrkdwn_texts, validate

PAYLOADS = build_all(hostile())
ESCAPED = "&lt;!channel&gt; &amp; &lt;@U123&gt;"


def test_mrkdwn_escapes_slack_control_characters() -> None:
    assert mrkdwn(EVIL) == ESCAPED
    assert mrkdwn("a && b") == "a &amp;&amp; b"


def test_clip_never_leaves_half_an_escape() -> None:
    assert clip("abc", 5) == "abc"
    assert clip("abcdef", 4) == "abc…"
    assert clip(mrkdwn("ab&cd"), 5) == "ab…"


@pytest.mark.parametrize("name", sorted(PAYLOADS))
def test_no_raw_angle_brackets_in_mrkdwn(name: str) -> None:
    payload = PAYLOADS[name]
    validate(payload)
    for text in mrkdwn_texts(payload):
        assert "<" not in text and ">" not in text, text


def test_hostile_names_are_shown_escaped() -> None:
    shown = json.dumps(PAYLOADS, ensure_ascii=False)
    assert ESCAPED in shown
    for name in ("confirmation_card", "approver_dm", "notice_submitted", "home_view"):
        assert any(ESCAPED in t for t in mrkdwn_texts(PAYLOADS[name])), name


def test_plain_text_keeps_names_as_typed() -> None:
    header = PAYLOADS["confirmation_card"]["blocks"][0]["text"]
    assert header["type"] == "plain_text" and EVIL in header["text"]
