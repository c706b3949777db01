"""A DM as long as Slack allows: read up to the bound, answered with a notice."""

from __future__ import annotations

import json

from agent.bounds import MAX_MESSAGE_CHARS, cut_notice
from tests.scenario.flows import card_for
from tests.scenario.harness import SlackHarness

SLACK_MAX = 40_000


def test_a_dm_of_slacks_maximum_length_is_cut_and_the_card_says_so(slack: SlackHarness) -> None:
    asked = "github write for 3 days "
    card = card_for(slack, "U01ALEX", asked + "x" * (SLACK_MAX - len(asked)))
    assert cut_notice(MAX_MESSAGE_CHARS) in json.dumps(card.payload, ensure_ascii=False)
