"""The requester picks who reviews a multi-approver step, through the whole app.

Demo org: Alex's "AWS Development · Administrator" goes to his manager Dana, then to
the AWS Development owners, Omar or Raj. The pick decides who gets the DM (and the
reminder); any eligible approver can still approve, and a forged pick is ignored."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from domain.model.requests import AuditEvent, State
from slack_app.blocks.ids import Action, pack
from slack_app.services.picks import APPROVER_PICK_REFUSED, APPROVER_PICKED
from slack_app.testing.slack_api import FakeSlackAPI, demo_users
from tests.scenario.flows import (
    Message,
    card_for,
    dm_to,
    reason_state,
    request,
    requests_of,
    updated,
)
from tests.scenario.harness import SlackHarness, button

ALEX, DANA, OMAR, RAJ, BEN = "U01ALEX", "U01DANA", "U01OMAR", "U01RAJ", "U01BEN"
ALEX_ID, RAJ_ID, BEN_ID = "alex.meyer@acme.test", "raj.patel@acme.test", "ben.carter@acme.test"
OWNERS_STEP = pack(Action.PICK_APPROVER, "0", "1")
ASK = "aws dev admin for 3 days"


class SlackWithUnreachable(FakeSlackAPI):
    """The loopback Slack, where DMs to the users in `unreachable` fail (e.g. deactivated)."""

    unreachable: frozenset[str] = frozenset()

    def answer(self, method: str, body: dict[str, Any]) -> dict[str, Any]:
        if method == "chat.postMessage" and body.get("channel") in self.unreachable:
            return {"ok": False, "error": "channel_not_found"}
        return super().answer(method, body)


@pytest.fixture
def slack_api() -> Iterator[FakeSlackAPI]:
    with SlackWithUnreachable(demo_users()) as server:
        yield server


def pick_state(person: str, block_id: str = OWNERS_STEP) -> dict[str, Any]:
    selected = {"type": "static_select", "selected_option": {"value": person}}
    return {block_id: {block_id: selected}}


def submit_with(h: SlackHarness, card: Message, picks: dict[str, Any]) -> str:
    """Alex submits the card with `picks` in its state; the one request's id."""
    values = {**reason_state("New project"), **picks}
    submit = button(card.payload, Action.SUBMIT)
    h.click(ALEX, submit, channel=card.channel, ts=card.ts, values=values)
    updated(h, card, count=2)
    (made,) = requests_of(h, ALEX_ID)
    return made.id


def dana_approves(h: SlackHarness, rid: str) -> None:
    dana_dm = dm_to(h, DANA, rid)
    h.click(DANA, button(dana_dm.payload, Action.APPROVE), channel=dana_dm.channel, ts=dana_dm.ts)
    dm_to(h, ALEX, "approved step 1 of 2")


def dms(h: SlackHarness, user: str, rid: str) -> list[dict[str, Any]]:
    return [
        b for b in h.slack.calls("chat.postMessage") if b["channel"] == user and rid in b["text"]
    ]


def audit(h: SlackHarness, rid: str | None = None) -> list[AuditEvent]:
    with h.runtime.uow() as uow:
        return uow.audit.for_request(rid) if rid else uow.audit.since(0)


def test_the_card_offers_the_owners_and_only_the_picked_one_is_asked(slack: SlackHarness) -> None:
    h = slack
    card = card_for(h, ALEX, ASK)
    pickers = [b for b in card.payload["blocks"] if b.get("block_id", "").startswith("pick_")]
    (picker,) = pickers  # Dana's step has one approver: no select for it
    assert picker["block_id"] == OWNERS_STEP
    assert picker["text"]["text"] == "*Who should review step 2 (AWS Development owners)?*"
    assert [o["text"]["text"] for o in picker["accessory"]["options"]] == [
        "Anyone eligible (notify all)",
        "Omar Haddad, Platform Engineering Manager",
        "Raj Patel, Site Reliability Engineer",
    ]
    select = picker["accessory"]  # choosing in the select is acked and changes nothing yet
    chose = h.click(ALEX, select, channel=card.channel, ts=card.ts, block_id=OWNERS_STEP)
    assert chose.status_code == 200

    rid = submit_with(h, card, pick_state(RAJ_ID))
    receipt = h.slack.calls("chat.update")[-1]
    assert "Asked Raj Patel to review step 2 of 2." in str(receipt["blocks"])
    (picked,) = [e for e in audit(h, rid) if e.action == APPROVER_PICKED]
    assert (picked.actor, picked.data["step"], picked.data["person"]) == (ALEX_ID, 1, RAJ_ID)

    dana_approves(h, rid)
    notice = dm_to(h, ALEX, "approved step 1 of 2")
    assert "Asked Raj Patel to review step 2 of 2." in str(notice.payload["blocks"])
    raj_dm = dm_to(h, RAJ, rid)
    assert dms(h, OMAR, rid) == []  # Omar comes before Raj: he would have had it first
    assert h.slack.calls("chat.postEphemeral") == []

    h.home_click(OMAR, Action.APPROVE, rid)  # still eligible: from the App Home
    assert "Approved" in updated(h, raj_dm)["text"]  # Raj's copy follows the decision
    decided = request(h, rid)
    assert decided.steps[1].decided_by == "omar.haddad@acme.test"
    assert decided.state is not State.SUBMITTED


def test_a_forged_pick_is_audited_and_everyone_eligible_is_asked(slack: SlackHarness) -> None:
    h = slack
    card = card_for(h, ALEX, ASK)
    forged = {**pick_state(BEN_ID), **pick_state(RAJ_ID, pack(Action.PICK_APPROVER, "4", "0"))}
    rid = submit_with(h, card, forged)
    assert "Asked" not in str(h.slack.calls("chat.update")[-1]["blocks"])
    refused = [
        (e.request_id, e.data["person"]) for e in audit(h) if e.action == APPROVER_PICK_REFUSED
    ]
    assert sorted(refused, key=str) == sorted([(rid, BEN_ID), (None, RAJ_ID)], key=str)
    assert not [e for e in audit(h) if e.action == APPROVER_PICKED]

    dana_approves(h, rid)
    dm_to(h, OMAR, rid)
    raj_dm = dm_to(h, RAJ, rid)
    h.click(BEN, button(raj_dm.payload, Action.APPROVE), channel="D01BEN", ts="1.1")
    (refusal,) = h.slack.wait_for("chat.postEphemeral")  # naming Ben made him no approver
    assert refusal["user"] == BEN
    assert request(h, rid).state is State.SUBMITTED


def test_the_reminder_goes_to_the_picked_approver_only(slack: SlackHarness) -> None:
    h = slack
    rid = submit_with(h, card_for(h, ALEX, ASK), pick_state(RAJ_ID))
    dana_approves(h, rid)
    dm_to(h, RAJ, rid)
    h.home_click(ALEX, Action.REMIND, rid)
    dm_to(h, ALEX, "Reminded Raj Patel.")
    assert len(dms(h, RAJ, rid)) == 2 and dms(h, OMAR, rid) == []


def test_type_ahead_lists_the_steps_approvers_for_the_requester(slack: SlackHarness) -> None:
    h = slack
    card = card_for(h, ALEX, ASK)

    def suggest(user: str, query: str) -> list[str]:
        response = h.interactive(
            {
                "type": "block_suggestion",
                "team": {"id": "T01ACME"},
                "user": {"id": user, "team_id": "T01ACME"},
                "action_id": OWNERS_STEP,
                "block_id": OWNERS_STEP,
                "value": query,
                "container": {
                    "type": "message",
                    "message_ts": card.ts,
                    "channel_id": card.channel,
                },
            }
        )
        return [o["value"] for o in response.json()["options"]]

    assert suggest(ALEX, "raj") == ["anyone", RAJ_ID]
    assert suggest(ALEX, "") == ["anyone", "omar.haddad@acme.test", RAJ_ID]
    assert suggest(DANA, "") == []  # not her conversation


def test_when_the_picked_approver_cannot_be_reached_the_others_are_asked(
    slack: SlackHarness,
) -> None:
    h = slack
    assert isinstance(h.slack, SlackWithUnreachable)
    h.slack.unreachable = frozenset({RAJ})
    rid = submit_with(h, card_for(h, ALEX, ASK), pick_state(RAJ_ID))
    dana_approves(h, rid)
    dm_to(h, OMAR, rid)  # Raj's DM failed: Omar, also eligible, is asked instead
    assert [
        c.response.get("error")
        for c in h.slack.all_calls("chat.postMessage")
        if c.body["channel"] == RAJ
    ] == ["channel_not_found"]
