"""Chasing an unanswered step: the approver's reminder or escalation (the approval DM
with a line on top saying why it came again) and the line in the requester's thread."""

from __future__ import annotations

from datetime import datetime

from domain.model.directory import Directory
from domain.model.requests import AccessRequest
from slack_app.blocks import facts
from slack_app.blocks.approvals import approver_dm
from slack_app.blocks.escape import clip, mrkdwn
from slack_app.blocks.kit import MAX_MESSAGE_BLOCKS, MAX_TEXT, Block, message, section


def reminder_dm(
    request: AccessRequest, directory: Directory, *, step_index: int, since: datetime
) -> Block:
    """The approval DM again, headed "⏰ Reminder: … waiting since …"."""
    when = facts.at(since, directory.timezone)
    who = facts.name(directory, request.requester)
    lead = f"Reminder: {who} has been waiting for a decision since {when}."
    return _headed(approver_dm(request, directory, step_index=step_index), "⏰", lead)


def escalation_dm(
    request: AccessRequest, directory: Directory, *, step_index: int, since: datetime
) -> Block:
    """The approval DM for someone it was escalated to: who did not answer, since when."""
    step = request.steps[step_index]
    asked = facts.names(directory, step.approvers[:1] if step.approvers else [])
    when = facts.at(since, directory.timezone)
    lead = f"Escalated to you: {asked} has not answered since {when}. You can decide it instead."
    return _headed(approver_dm(request, directory, step_index=step_index), "⏫", lead)


def requester_line(
    request: AccessRequest,
    directory: Directory,
    *,
    step_index: int,
    escalated: bool,
    to: list[str],
) -> Block:
    """What the requester reads in their request's thread."""
    step = request.steps[step_index]
    waiting = facts.names(directory, facts.waiting_for(request, step))
    where = f"{request.id}, {facts.step_of(request, step)}"
    if not escalated:
        text = f"⏰ No answer yet from {waiting} ({where}): I sent a reminder."
    elif to:
        text = (
            f"⏫ Still no answer ({where}): I've asked {facts.names(directory, to)} "
            "to decide it too."
        )
    else:
        text = f"⏫ Still no answer ({where}), and there is nobody to escalate to: ask an admin."
    return message([section(mrkdwn(text))], text)


def _headed(payload: Block, icon: str, lead: str) -> Block:
    """`payload` with `lead` (raw text) on top, in its blocks and its notification text
    (which `message` escaped already)."""
    blocks = [section(f"{icon} {mrkdwn(lead)}"), *payload["blocks"]][:MAX_MESSAGE_BLOCKS]
    return {"text": clip(f"{mrkdwn(lead)} {payload['text']}", MAX_TEXT), "blocks": blocks}
