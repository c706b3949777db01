"""Which button clicks go through the durable inbox, under what key and in what lane.

A click whose work needs no answer in the HTTP response and no `trigger_id` (Slack's
trigger for a modal lives 3 seconds) is stored like an event and acked at once; the
inbox worker then runs its listener (`slack.inbox`), so a process killed between the
ack and the work leaves the click to be done by the next one instead of losing it.
Clicks that open or redraw a modal (Reject, Approve with changes, Request access,
Details, the guided form's own controls) and view submissions and options stay with
Bolt in the HTTP process: their answer is the modal, now or never.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

from slack_app.blocks.ids import Action, unpack

DURABLE = frozenset(
    {
        Action.SUBMIT,
        Action.CANCEL,
        Action.EDIT,
        Action.APPROVE,
        Action.REMIND,
        Action.TASK_DONE,
        Action.TASK_FAILED,
        Action.CHOOSE_CANDIDATE,
        Action.CHOOSE_SELECTED,
        Action.CHOOSE_ALL,
        Action.WITHDRAW,
        Action.EXTEND,
        Action.RETRY_DELIVERY,
    }
)
ANSWERING = frozenset({"button", "static_select", "external_select"})  # not checkboxes


def durable(payload: dict[str, Any]) -> bool:
    """A block_actions payload (shape already checked) whose work the inbox does: one
    of the DURABLE actions, clicked or picked (a ticked checkbox does nothing until
    "Use selected", so it is not a job)."""
    if payload.get("type") != "block_actions":
        return False
    action = payload["actions"][0]
    return unpack(action["action_id"])[0] in DURABLE and action.get("type", "button") in ANSWERING


def click_key(payload: dict[str, Any]) -> str:
    """The click's identity: who clicked, on which message or view, which element with
    which value, and Slack's `action_ts` and `trigger_id` for that click (each new per
    click).

    The same delivery again (a Socket Mode redelivery, a replayed body) is one job. Two
    clicks are two jobs, even a double click of Submit by the same person on the same
    card: they run one after the other in the conversation's lane, and the effect's own
    key (the proposal's submission, the approver's decision of that request version,
    the day's reminder, the task's state) makes the second change nothing. Leaving
    `action_ts` out would make the key stand for an *attempt*: a Submit before a reason
    was picked, a Remind no approver could receive, or a click given up on with "please
    try again" would then swallow the person's next click for good (rule 6). Clicks by
    two approvers differ in the user, so both are done."""
    action = payload["actions"][0]
    container = payload.get("container") or {}
    where = container.get("message_ts") or container.get("view_id") or ""
    parts = [
        _team(payload),
        payload["user"]["id"],
        where,
        action["action_id"],
        action.get("block_id") or "",
        action.get("value") or (action.get("selected_option") or {}).get("value") or "",
        action.get("action_ts") or "",
        payload.get("trigger_id") or "",
    ]
    digest = hashlib.sha256(json.dumps(parts).encode()).hexdigest()[:40]
    return f"slack:click:{digest}"


def click_lane(payload: dict[str, Any]) -> str | None:
    """The lane of the conversation clicked in (the same as its DMs' events, so a click
    and the turns around it run in order); None for a click with no channel (App Home)."""
    container = payload.get("container") or {}
    channel = container.get("channel_id") or (payload.get("channel") or {}).get("id")
    if not isinstance(channel, str) or not channel:
        return None
    return f"slack:{_team(payload)}:{channel}"


def _team(payload: dict[str, Any]) -> str:
    team = payload.get("team")
    team_id = team.get("id") if isinstance(team, dict) else team
    return str(team_id or payload.get("user", {}).get("team_id") or "")
