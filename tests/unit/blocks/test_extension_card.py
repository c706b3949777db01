"""An extension card says it extends access, shows the new end and what it extends."""

from __future__ import annotations

import json
from zoneinfo import ZoneInfo

from agent.phrasing import proposal_text
from slack_app.blocks.confirmation import confirmation_card
from slack_app.chat import render
from tests.orgs import small_directory
from tests.unit.blocks.samples import REASONS, THREAD, extension_proposal

EXTENDS = "Extends AWS Production · Read-only from Fri 6 Mar to Wed 18 Mar."


def test_the_slack_card_says_extend_access_with_the_new_end() -> None:
    d = small_directory()
    card = confirmation_card(extension_proposal(d), reasons=REASONS, thread=THREAD, directory=d)
    header = card["blocks"][0]["text"]["text"]
    assert header == "Extend access for Alex Meyer"
    words = json.dumps(card, ensure_ascii=False)
    assert "Request access" not in words
    assert "*New end:* until end of Wed 18 Mar 2026" in words
    assert EXTENDS in words


def test_the_plain_text_cards_say_extend_access_with_the_new_end() -> None:
    p = extension_proposal(small_directory())
    for text in (proposal_text(p), render.card(p, [], ZoneInfo("Europe/Berlin"))):
        first, *rest = text.splitlines()
        assert first == "Extend access for Alex Meyer:"
        assert "  New end: at the end of 2026-03-18" in rest
        assert f"  Note: {EXTENDS}" in rest
        assert not any(line.startswith("Request") for line in text.splitlines())
