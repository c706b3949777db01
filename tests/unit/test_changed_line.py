"""The line above a card drawn again after a change in words, on Slack and in the chat."""

from __future__ import annotations

from agent.phrasing import proposal_text
from agent.runner import Reply
from agent.state import Outcome
from slack_app.services.changed import changed_line
from slack_app.slackapi.replies import for_reply
from tests.orgs import small_directory
from tests.unit.blocks.samples import REASONS, THREAD, proposal


def card_reply(lead: str) -> Reply:
    p = proposal(small_directory())
    text = "\n".join([*([lead] if lead else []), proposal_text(p.model_dump())])
    return Reply(kind=Outcome.PROPOSAL, text=text, proposal=p)


def test_what_the_reply_says_before_the_card_heads_it() -> None:
    reply = card_reply("Removed Snowflake · Analyst.\nI couldn't find Jira on the card.")
    assert changed_line(reply) == "Removed Snowflake · Analyst.\nI couldn't find Jira on the card."
    card = for_reply(reply, reasons=REASONS, thread=THREAD)
    assert card["blocks"][1]["text"]["text"].startswith("✏️ Removed Snowflake · Analyst.")


def test_a_card_shown_for_the_first_time_has_no_such_line() -> None:
    reply = card_reply("")
    assert changed_line(reply) is None
    card = for_reply(reply, reasons=REASONS, thread=THREAD)
    assert not card["blocks"][1]["text"]["text"].startswith("✏️")


def test_no_line_for_replies_without_a_card() -> None:
    assert changed_line(Reply(kind=Outcome.MESSAGE, text="Hello")) is None
