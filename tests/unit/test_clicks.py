"""Which clicks the inbox takes, and when two deliveries are one job (`slack.clicks`)."""

from __future__ import annotations

import copy
from typing import Any

from slack_app.blocks.ids import Action
from slack_app.worker.clicks import click_key, click_lane, durable
from slack_app.worker.inbox import event_lane


def click(
    action_id: str, *, user: str = "U01DANA", ts: str = "1.000001", **action: Any
) -> dict[str, Any]:
    return {
        "type": "block_actions",
        "team": {"id": "T01ACME"},
        "user": {"id": user, "team_id": "T01ACME"},
        "trigger_id": f"trig.{user}.{ts}",
        "container": {"type": "message", "message_ts": "17.1", "channel_id": "D01DANA"},
        "actions": [
            {"type": "button", "action_id": action_id, "value": "AR-1", "action_ts": ts} | action
        ],
    }


def test_clicks_that_open_a_modal_stay_with_bolt() -> None:
    assert durable(click(Action.APPROVE)) and durable(click(Action.SUBMIT))
    assert durable(click(Action.WITHDRAW)) and durable(click(Action.EXTEND))
    assert not durable(click(Action.REJECT)) and not durable(click(Action.APPROVE_WITH_CHANGES))
    assert not durable(click(Action.HOME_REQUEST_ACCESS)) and not durable(
        click(Action.OPEN_REQUEST)
    )
    assert not durable(click(Action.REASON_SELECT, type="static_select"))
    assert durable(click(f"{Action.CHOOSE_CANDIDATE}|0|1", type="static_select"))
    assert not durable(click(f"{Action.CHOOSE_CANDIDATE}|0|1", type="checkboxes"))


def test_a_delivery_again_is_one_job_and_every_new_click_is_its_own() -> None:
    first = click(Action.APPROVE)
    assert click_key(first) == click_key(copy.deepcopy(first))  # redelivered
    assert click_key(first) != click_key(click(Action.APPROVE, ts="1.000002"))  # clicked again
    assert click_key(first) != click_key(click(Action.APPROVE, user="U01MAYA"))  # two approvers


def test_a_click_runs_in_the_lane_of_its_conversation() -> None:
    dm = {"team_id": "T01ACME", "event": {"type": "message", "channel": "D01DANA"}}
    assert click_lane(click(Action.SUBMIT)) == event_lane(dm)  # ordered with the DM's turns
    home = click(Action.REMIND) | {"container": {"type": "view", "view_id": "V1"}}
    assert click_lane(home) is None
