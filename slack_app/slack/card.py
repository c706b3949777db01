"""The confirmation card's controls: Submit, Edit, Cancel and the reason select.

Submit is the requester's own click (rule 2): the clicking Slack user must map to the
conversation's requester, a reason must be chosen, and the click is claimed by message
ts so a double click or a second replica submits once; the proposal key makes the
submission itself idempotent too. The card then becomes the receipt and each approver
of the first step gets a DM.
"""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt.async_app import AsyncAck, AsyncApp

from domain.errors import DomainError
from domain.orgcheck import key
from domain.requests import AccessRequest
from slack_app.blocks.confirmation import cancelled_card, receipt
from slack_app.blocks.ids import Action
from slack_app.services.requests import proposal_key, submit_proposal
from slack_app.slack import notify
from slack_app.slack.deps import SlackDeps
from slack_app.slack.edge import acting_person, blocking, channel_of, tell, update
from slack_app.slack.records import MessageRef, claim, record

log = logging.getLogger(__name__)

ONLY_REQUESTER = "Only the requester can submit this request."
ONLY_REQUESTER_CANCEL = "Only the requester can cancel this request."
NOTHING_TO_CANCEL = "There is nothing to cancel here any more."
PICK_REASON = "Pick a reason on the card first, then click Submit."
STALE = "This card was replaced by a newer one: submit the latest card."
GONE = "This card can't be submitted any more: tell me again what you need."
EDIT_HINT = 'Tell me what to change in a message here, e.g. "make it 3 days" or "just GitHub".'


def chosen_reason(body: dict[str, Any], reasons: list[str]) -> str | None:
    """The reason picked in the card's select (only one of the org's reasons counts)."""
    values = (body.get("state") or {}).get("values") or {}
    picked = (values.get(Action.REASON_SELECT) or {}).get(Action.REASON_SELECT) or {}
    value = (picked.get("selected_option") or {}).get("value")
    return value if value in reasons else None


def card_ref(body: dict[str, Any], person: str) -> MessageRef | None:
    container = body.get("container") or {}
    channel, ts = channel_of(body), container.get("message_ts")
    return MessageRef(str(channel), str(ts), person) if channel and ts else None


def register(app: AsyncApp, deps: SlackDeps) -> None:
    @app.action(Action.SUBMIT)
    async def on_submit(ack: AsyncAck, body: dict[str, Any], action: dict[str, Any]) -> None:
        await ack()
        await submit(deps, body, thread=str(action.get("value") or ""))

    @app.action(Action.CANCEL)
    async def on_cancel(ack: AsyncAck, body: dict[str, Any], action: dict[str, Any]) -> None:
        await ack()
        await cancel(deps, body, thread=str(action.get("value") or ""))

    @app.action(Action.EDIT)
    async def on_edit(ack: AsyncAck, body: dict[str, Any]) -> None:
        await ack()
        await tell(deps, body, EDIT_HINT)

    @app.action(Action.REASON_SELECT)
    async def on_reason(ack: AsyncAck) -> None:
        await ack()  # read from the card's state when Submit is clicked


async def submit(deps: SlackDeps, body: dict[str, Any], *, thread: str) -> None:
    person = await acting_person(deps, body)
    if person is None:
        return
    runtime = deps.runtime
    state = await blocking(deps.runner.state, thread)
    if key(str(state.get("requester") or "")) != key(person.id):
        await blocking(record, runtime, actor=person.id, action="submit.refused", thread=thread)
        await tell(deps, body, ONLY_REQUESTER)
        return
    directory = await blocking(runtime.directory)
    proposal = state.get("proposal") or {}
    reason = chosen_reason(body, directory.reasons) or proposal.get("reason")
    if not reason and not directory.reasons:
        reason = "Other"
    if not reason:
        await tell(deps, body, PICK_REASON)
        return
    card = card_ref(body, person.id)
    click = f"slack:click:{Action.SUBMIT}:{card.channel}:{card.ts}" if card else None
    if click and not await blocking(claim, runtime, click):
        log.info("submit click %s already handled", click)
        return
    try:
        async with deps.conversation_lock(thread):
            live = deps.cards.get(thread)
            if live is not None and card is not None and live.ts != card.ts:
                await tell(deps, body, STALE)
                return
            made = await blocking(_confirm_and_submit, deps, thread, person.id, str(reason))
            deps.cards.pop(thread, None)
    except DomainError as exc:
        await tell(deps, body, f"Not submitted: {exc.message}")
        return
    if made is None:
        await tell(deps, body, GONE)
        return
    await submitted(deps, made, card)


def _confirm_and_submit(
    deps: SlackDeps, thread: str, person: str, reason: str
) -> list[AccessRequest] | None:
    confirmed = deps.runner.confirm(thread, person)
    if confirmed is None:
        return None
    key_ = proposal_key(thread, confirmed)
    return submit_proposal(deps.runtime, confirmed, actor=person, reason=reason, key=key_)


async def submitted(deps: SlackDeps, made: list[AccessRequest], card: MessageRef | None) -> None:
    deps.metrics.submitted_requests(len(made))
    directory = await blocking(deps.runtime.directory)
    if card is not None:
        await update(deps, card, receipt(made, directory))
    for request in made:
        await notify.approvers(deps, request, directory)


async def cancel(deps: SlackDeps, body: dict[str, Any], *, thread: str) -> None:
    person = await acting_person(deps, body)
    if person is None:
        return
    async with deps.conversation_lock(thread):
        reply = await blocking(deps.runner.cancel, thread, person.id)
        if reply is not None:
            deps.cards.pop(thread, None)
    card = card_ref(body, person.id)
    if reply is None:
        state = await blocking(deps.runner.state, thread)
        mine = key(str(state.get("requester") or "")) == key(person.id)
        await tell(deps, body, NOTHING_TO_CANCEL if mine else ONLY_REQUESTER_CANCEL)
    elif card is not None:
        await update(deps, card, cancelled_card())
