"""The whole journey in Slack: a DM in words → card → Submit → approver DMs → two
approvals → the owner's task → granted, with every message where it belongs."""

from __future__ import annotations

from slack_sdk.models.blocks import Block

from domain.model.requests import State
from slack_app.blocks.ids import Action
from tests.scenario.flows import card_for, dm_to, request, requests_of, submit, updated
from tests.scenario.harness import SlackHarness, button

ALEX, DANA, OMAR = "U01ALEX", "U01DANA", "U01OMAR"
ALEX_ID = "alex.meyer@acme.test"


def test_same_access_as_priya_from_dm_to_granted(slack: SlackHarness) -> None:
    h = slack
    card = card_for(h, ALEX, "same access as Priya Raman for 3 days, all of it")
    thinking = h.slack.calls("chat.postMessage")[0]
    assert thinking["channel"] == "D01ALEX" and thinking["text"] == "Thinking…"
    assert card.ts == h.slack.all_calls("chat.postMessage")[0].response["ts"]  # updated in place
    assert "Priya Raman" in str(card.payload["blocks"])

    submit(h, ALEX, card, reason="New project")
    receipt = updated(h, card, count=2)
    assert "submitted" in receipt["text"].lower()
    made = requests_of(h, ALEX_ID)
    assert len(made) == 4 and all(r.state is State.SUBMITTED for r in made)
    github = next(r for r in made if [i.entitlement_id for i in r.items] == ["github:write"])
    for r in made:  # Dana, Alex's manager, approves the first step of each
        dm_to(h, DANA, r.id)

    dana_dm = dm_to(h, DANA, github.id)
    h.click(DANA, button(dana_dm.payload, Action.APPROVE), channel=dana_dm.channel, ts=dana_dm.ts)
    decided = updated(h, dana_dm)
    assert "Approved" in decided["text"] and not any(
        b["type"] == "actions" for b in decided["blocks"]
    )
    step_notice = dm_to(h, ALEX, "approved step 1 of 2")
    assert github.id in step_notice.payload["text"]

    omar_dm = dm_to(h, OMAR, github.id)
    h.click(OMAR, button(omar_dm.payload, Action.APPROVE), channel=omar_dm.channel, ts=omar_dm.ts)
    updated(h, omar_dm)
    task = dm_to(h, OMAR, f"{github.id}: please grant access")
    assert request(h, github.id).state is State.FULFILLING

    for block in task.payload["blocks"]:  # the task DM is valid Block Kit
        parsed = Block.parse(block)
        assert parsed is not None
        parsed.validate_json()
    h.click(OMAR, button(task.payload, Action.TASK_DONE), channel=task.channel, ts=task.ts)
    dm_to(h, ALEX, "Access granted")
    closed = updated(h, task)
    assert "Done" in closed["text"]
    assert request(h, github.id).state is State.FULFILLED
    held = h.runtime.directory().held_by(ALEX_ID, at=h.runtime.clock.now())
    assert "github:write" in held
