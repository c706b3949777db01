"""Extend on the "ends soon" notice (docs/specs/conversation.md §4), through the whole
app: Alex's GitHub write access ends in 12 hours; he clicks Extend on the notice, the
bot asks until when in his DM, he answers, and the extension card's usual Submit sends
an extension request for approval. Until it is approved the old end stands.

Needs the graph's `extend` action (branch conv-graph: `AgentRunner.start` with
action "extend" → `tools.extension.build_extension`)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from domain.model.requests import RequestKind, State
from domain.ports import FixedClock
from slack_app.blocks.ids import Action
from slack_app.services.extension import ONLY_HOLDERS
from tests.scenario.flows import card_for, dm_to, request, requests_of, submit, updated
from tests.scenario.harness import SlackHarness, button
from tests.scenario.test_expiry import ALEX_ID, ENDS_SOON, grant_for_alex, tick

ALEX, DANA = "U01ALEX", "U01DANA"
END_OF_20_MARCH = datetime(2026, 3, 20, 23, 0, tzinfo=UTC)  # Berlin midnight


def test_extend_on_the_notice_asks_until_when_then_submits_an_extension(
    slack: SlackHarness,
) -> None:
    h = slack
    clock = h.runtime.clock
    assert isinstance(clock, FixedClock)
    granted = grant_for_alex(h.runtime, clock)
    assert granted.end is not None
    clock.current = granted.end - timedelta(hours=12)
    # this tick, or the app's own scheduler loop if it ticks first, sends the notice once
    tick(h)
    notice = dm_to(h, ALEX, ENDS_SOON)
    extend = button(notice.payload, Action.EXTEND)
    assert extend["value"] == granted.id

    h.click(DANA, extend, channel=notice.channel, ts=notice.ts)  # neither holds nor asked
    h.slack.wait_for(
        "chat.postEphemeral", lambda b: b["user"] == DANA and ONLY_HOLDERS in b["text"]
    )

    h.click(ALEX, extend, channel=notice.channel, ts=notice.ts)
    h.slack.wait_for(
        "chat.update",
        lambda b: b.get("channel") == notice.channel and "Until when" in b.get("text", ""),
    )
    card = card_for(h, ALEX, "until 20 March")
    assert "Extends GitHub · Write from" in str(card.payload["blocks"])
    submit(h, ALEX, card)
    updated(h, card, count=2)  # the receipt
    (extension,) = [r for r in requests_of(h, ALEX_ID) if r.kind is RequestKind.EXTEND]
    assert extension.state is State.SUBMITTED and extension.end == END_OF_20_MARCH
    assert [i.entitlement_id for i in extension.items] == ["github:write"]
    assert request(h, granted.id).end == granted.end  # the old end stands until approved


def test_extend_after_the_access_ended_says_so(slack: SlackHarness) -> None:
    h = slack
    clock = h.runtime.clock
    assert isinstance(clock, FixedClock)
    granted = grant_for_alex(h.runtime, clock)
    assert granted.end is not None
    clock.current = granted.end - timedelta(hours=12)
    tick(h)
    notice = dm_to(h, ALEX, ENDS_SOON)
    clock.current = granted.end
    tick(h)  # expired meanwhile
    h.click(ALEX, button(notice.payload, Action.EXTEND), channel=notice.channel, ts=notice.ts)
    h.slack.wait_for(
        "chat.postEphemeral",
        lambda b: b["user"] == ALEX and "nothing to extend" in b["text"],
    )
