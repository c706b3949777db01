"""The messages of a reminder or an escalation the scheduler's tick made
(`domain.usecases.followups`): the approval DM again, to the step's approvers (a
reminder: only the one the requester picked, while that pick holds) or to the people
it was escalated to, and a line in the requester's thread (under the receipt of their
request; a DM when there is none).

The follow-up itself is committed and audited before any of this: a message that fails
is logged and not retried, so nobody is chased twice. The DMs are remembered like the
first approval DM, so a decision updates them in place.
"""

from __future__ import annotations

import dataclasses
import logging

from domain.ids import key
from domain.model.directory import Directory
from domain.model.followup import FollowUpKind
from domain.usecases.followups import FollowUp
from slack_app.blocks import facts
from slack_app.blocks.followups import escalation_dm, reminder_dm, requester_line
from slack_app.blocks.kit import Block
from slack_app.listeners.deps import SlackDeps
from slack_app.listeners.edge import blocking, dm
from slack_app.listeners.records import APPROVER_DM, RECEIPT, messages, remember_message
from slack_app.slackapi import notify, retry

log = logging.getLogger(__name__)


async def announce(deps: SlackDeps, followups: list[FollowUp], directory: Directory) -> None:
    """Tell about each follow-up; one failing never keeps the others from going out."""
    for followup in followups:
        try:
            await _announce(deps, followup, directory)
        except Exception:
            log.exception("telling about the %s of %s failed", followup.kind, followup.request.id)


async def _announce(deps: SlackDeps, followup: FollowUp, directory: Directory) -> None:
    request, index = followup.request, followup.step
    escalated = followup.kind is FollowUpKind.ESCALATION
    if escalated:
        payload = escalation_dm(request, directory, step_index=index, since=followup.since)
        to = list(followup.to)
    else:
        payload = reminder_dm(request, directory, step_index=index, since=followup.since)
        chosen = await notify.picked(deps, request, directory)
        to = [chosen] if chosen else facts.waiting_for(request, request.steps[index])
    for person in to:
        await _ask(deps, followup, person, payload)
    line = requester_line(
        request, directory, step_index=index, escalated=escalated, to=list(followup.to)
    )
    await in_thread(deps, request.id, request.requester, line)


async def _ask(deps: SlackDeps, followup: FollowUp, person: str, payload: Block) -> None:
    ref = await dm(deps, person, payload)
    if ref is not None:
        ref = dataclasses.replace(ref, step=followup.step)
        await blocking(remember_message, deps.runtime, APPROVER_DM, followup.request.id, ref)


async def in_thread(deps: SlackDeps, request_id: str, requester: str, payload: Block) -> None:
    """Reply under the request's receipt in the requester's DM, else DM them."""
    receipts = await blocking(messages, deps.runtime, RECEIPT, request_id)
    mine = [r for r in receipts if key(r.person) == key(requester)]
    if not mine:
        await dm(deps, requester, payload)
        return
    receipt = mine[-1]
    await retry.notify(
        deps.client.chat_postMessage, channel=receipt.channel, thread_ts=receipt.ts, **payload
    )
