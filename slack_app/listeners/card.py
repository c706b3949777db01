"""The confirmation card's controls: Submit, Edit, Cancel, the items' tick boxes, the
reason select and the "who should review" selects.

Submit is the requester's own click (rule 2): the clicking Slack user must map to the
conversation's requester and a reason must be chosen. The domain submits first and the
conversation is confirmed after, under the conversation's lock, so a submission the
domain refuses leaves the card waiting for another click; a double click or a second
replica finds the conversation confirmed and a submission under the proposal key
(written in the submission's transaction, rule 6), and does nothing. Submit carries the
fingerprint of the proposal its card shows; when the conversation's proposal has
changed since (an edit made a newer card), the click is refused as stale, on any
replica. Approver picks are read from the card's state at Submit and checked against
the submitted requests (`services.picks`). The card then becomes the receipt and the
first step's approvers (or the one picked) get a DM. Submit requests only the items
ticked in the card's state (a tick toggle submits nothing; it is saved on the card's
row, so the next card keeps it): they are intersected with the card's items, so an
altered payload can only narrow, and the kept set is re-resolved by the tools
(`services.ticks`) and re-checked by the domain at submission.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

from slack_bolt.async_app import AsyncAck, AsyncApp, AsyncBoltContext

from domain.errors import DomainError, Duplicate
from domain.ids import key
from domain.model.requests import AccessRequest
from slack_app.blocks.approver_picks import ANYONE, approver_options
from slack_app.blocks.card_items import ticked, unticked_of
from slack_app.blocks.confirmation import cancelled_card, receipt
from slack_app.blocks.ids import SEP, Action, index, pattern, unpack
from slack_app.blocks.kit import MAX_MESSAGE_BLOCKS, MAX_OPTION_VALUE, Block
from slack_app.listeners import current_card
from slack_app.listeners.deps import SlackDeps
from slack_app.listeners.edge import (
    acting_person,
    blocking,
    channel_of,
    conversation,
    team_of,
    tell,
    update,
    user_of,
)
from slack_app.listeners.records import RECEIPT, MessageRef, messages, record, remember_message
from slack_app.services.picks import Picks, asked, record_picks
from slack_app.services.requests import proposal_key, submit_proposal, submitted_with
from slack_app.services.ticks import NOTHING_TICKED, keep_ticked
from slack_app.slackapi import notify
from slack_app.worker import inbox_job
from tools.proposal_models import Proposal

log = logging.getLogger(__name__)

ONLY_REQUESTER = "Only the requester can submit this request."
ONLY_REQUESTER_CANCEL = "Only the requester can cancel this request."
NOTHING_TO_CANCEL = "There is nothing to cancel here any more."
PICK_REASON = "Pick a reason on the card first, then click Submit."
STALE = "This card was replaced by a newer one: submit the latest card."
GONE = "This card can't be submitted any more: tell me again what you need."
EDIT_HINT = 'Tell me what to change in a message here, e.g. "make it 3 days" or "just GitHub".'


def _values(body: dict[str, Any]) -> dict[str, Any]:
    values = (body.get("state") or {}).get("values") or {}
    return values if isinstance(values, dict) else {}


def chosen_reason(body: dict[str, Any], reasons: list[str]) -> str | None:
    """The reason picked in the card's select (only one of the org's reasons counts)."""
    values = _values(body)
    picked = (values.get(Action.REASON_SELECT) or {}).get(Action.REASON_SELECT) or {}
    value = (picked.get("selected_option") or {}).get("value")
    return value if value in reasons else None


def chosen_approvers(body: dict[str, Any]) -> dict[tuple[int, int], str]:
    """(route group, step) -> the person picked in the card's "who should review" selects.

    Only a wish: `services.picks` checks each against the submitted request."""
    values = (body.get("state") or {}).get("values") or {}
    picks: dict[tuple[int, int], str] = {}
    for block_id, inputs in list(values.items())[:MAX_MESSAGE_BLOCKS]:
        indexes = _pick_indexes(str(block_id))
        chosen = ((inputs or {}).get(block_id) or {}).get("selected_option") or {}
        value = str(chosen.get("value") or "")[:MAX_OPTION_VALUE]
        if indexes is not None and value and value != ANYONE:
            picks[indexes] = value
    return picks


def _pick_indexes(block_id: str) -> tuple[int, int] | None:
    """`pick_approver|1|2` -> (1, 2); anything else None."""
    parts = unpack(block_id)
    if len(parts) != 3 or parts[0] != Action.PICK_APPROVER:
        return None
    group, step = index(parts[1]), index(parts[2])
    return (group, step) if group is not None and step is not None else None


def card_ref(body: dict[str, Any], person: str) -> MessageRef | None:
    container = body.get("container") or {}
    channel, ts = channel_of(body), container.get("message_ts")
    return MessageRef(str(channel), str(ts), person) if channel and ts else None


def register(app: AsyncApp, deps: SlackDeps) -> None:
    @app.action(Action.SUBMIT)
    async def on_submit(
        ack: AsyncAck, body: dict[str, Any], action: dict[str, Any], context: AsyncBoltContext
    ) -> None:
        await ack()
        thread, _, shown = str(action.get("value") or "").partition(SEP)
        await submit(deps, body, thread=thread, shown=shown, again=inbox_job.again(context))

    @app.action(Action.CANCEL)
    async def on_cancel(ack: AsyncAck, body: dict[str, Any], action: dict[str, Any]) -> None:
        await ack()
        await cancel(deps, body, thread=str(action.get("value") or ""))

    @app.action(Action.EDIT)
    async def on_edit(ack: AsyncAck, body: dict[str, Any], action: dict[str, Any]) -> None:
        await ack()
        if not await current_card.replaced(deps, str(action.get("value") or ""), body):
            await tell(deps, body, EDIT_HINT)

    @app.action(Action.CARD_ITEMS)
    async def on_tick(ack: AsyncAck, body: dict[str, Any]) -> None:
        """Kept for the next card drawn after a change (no change is silent); Submit
        still reads the ticks from the card's state."""
        await ack()
        thread = conversation(team_of(body), channel_of(body) or "")
        if await current_card.replaced(deps, thread, body):
            return
        person = await deps.users.person(user_of(body))
        if person is not None:
            async with deps.conversation_lock(thread):
                await blocking(record_ticks, deps, thread, person.id, body)

    @app.action(Action.REASON_SELECT)
    @app.action(pattern(Action.PICK_APPROVER))
    async def on_card_input(ack: AsyncAck, body: dict[str, Any]) -> None:
        """Read from the card's state when Submit is clicked; on a replaced card, the
        change is where the person learns it was replaced."""
        await ack()
        await current_card.replaced(deps, conversation(team_of(body), channel_of(body) or ""), body)

    @app.options(pattern(Action.PICK_APPROVER))
    async def on_pick_search(ack: AsyncAck, body: dict[str, Any]) -> None:
        """Type-ahead for a step with more approvers than a static select holds."""
        await ack(options=await approver_search(deps, body))


def record_ticks(deps: SlackDeps, thread: str, person: str, body: dict[str, Any]) -> None:
    """The items the requester's toggles leave unticked on the open card."""
    state = deps.runner.state(thread)
    proposal = state.get("proposal")
    if key(str(state.get("requester") or "")) != key(person) or not proposal:
        return
    off = unticked_of(_values(body), Proposal.model_validate(proposal))
    current_card.untick(deps.runtime, thread, off)


async def submit(  # noqa: PLR0911 (each refusal answers the clicker and stops)
    deps: SlackDeps, body: dict[str, Any], *, thread: str, shown: str = "", again: bool = False
) -> None:
    """`shown`: the fingerprint of the proposal the clicked card shows. `again`: an inbox
    job's later attempt, whose earlier one may have died after the submission and
    before the receipt or the approvers' DMs: those are then finished, not skipped."""
    person = await acting_person(deps, body)
    if person is None or await current_card.replaced(deps, thread, body):
        return
    runtime = deps.runtime
    state = await blocking(deps.runner.state, thread)
    if not state.get("requester"):  # pruned (finished, or idle past the retention)
        await tell(deps, body, GONE)
        return
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
    try:
        async with deps.conversation_lock(thread):
            if not await blocking(current_card.is_current, runtime, thread, body):
                await current_card.retire(deps, body)  # a newer turn got in first
                return
            current = (await blocking(deps.runner.state, thread)).get("proposal") or {}
            if not shown or Proposal.model_validate(current).fingerprint() != shown:
                await tell(deps, body, STALE)
                return
            ticks = ticked(_values(body), Proposal.model_validate(current))
            if ticks == []:
                await tell(deps, body, NOTHING_TICKED)
                return
            wish = Wish(str(reason), chosen_approvers(body), ticks)
            made = await blocking(_submit_and_confirm, deps, thread, person.id, wish, again=again)
            await blocking(current_card.close, runtime, thread)
    except Duplicate:
        log.info("submit click on %s already handled", thread)
        return
    except DomainError as exc:
        await tell(deps, body, f"Not submitted: {exc.message}")
        return
    if made is None:
        await tell(deps, body, GONE)
        return
    await submitted(deps, made, card, again=again)


@dataclass(frozen=True)
class Wish:
    """What a Submit click asks for besides the card: the reason, approver picks and
    the items left ticked (None: the card had no tick boxes, so all it showed)."""

    reason: str
    picks: Picks
    ticked: list[str] | None


def _submit_and_confirm(
    deps: SlackDeps, thread: str, person: str, wish: Wish, *, again: bool
) -> list[AccessRequest] | None:
    """Submit the ticked items, then confirm the conversation; None when the card
    waits no more.

    The submission's key is the shown card's, whatever was ticked: one submission per
    card. A repeat after a crash between the two finds the first submission (same key)
    and confirms. A repeat after both raises `Duplicate` (a double click stays silent),
    unless it is `again`, the same click's next attempt: then it returns what the
    submission made, for the receipt and the DMs that attempt may not have sent."""
    proposal = deps.runner.confirmable(thread, person)
    if proposal is None:
        shown = deps.runner.state(thread).get("proposal") or {}
        made = submitted_with(deps.runtime, proposal_key(thread, Proposal.model_validate(shown)))
        if made and again:
            return made
        if made:
            raise Duplicate("this card was submitted already")
        return None
    key_ = proposal_key(thread, proposal)
    kept = keep_ticked(deps.runtime, proposal, wish.ticked)
    made = submit_proposal(deps.runtime, kept, actor=person, reason=wish.reason, key=key_)
    if wish.picks:  # the selects are indexed by the shown card's routes
        record_picks(deps.runtime, proposal, made, wish.picks, actor=person, key_=key_)
    deps.runner.confirm(thread, person)
    return made


async def submitted(
    deps: SlackDeps, made: list[AccessRequest], card: MessageRef | None, *, again: bool = False
) -> None:
    """The receipt in place of the card, and the approvers' DMs (`again`: only those of
    approvers an earlier attempt did not reach)."""
    deps.metrics.submitted_requests(len(made))
    directory = await blocking(deps.runtime.directory)
    if card is not None:
        picked = {r.id: await blocking(asked, deps.runtime, r.id) for r in made}
        await update(deps, card, receipt(made, directory, picked))
        if not again or not await blocking(messages, deps.runtime, RECEIPT, made[0].id):
            for request in made:  # its thread is where reminders are reported
                await blocking(remember_message, deps.runtime, RECEIPT, request.id, card)
    for request in made:
        await notify.approvers(deps, request, directory, again=again)


async def cancel(deps: SlackDeps, body: dict[str, Any], *, thread: str) -> None:
    person = await acting_person(deps, body)
    if person is None:
        return
    async with deps.conversation_lock(thread):
        current = await blocking(current_card.is_current, deps.runtime, thread, body)
        reply = await blocking(deps.runner.cancel, thread, person.id) if current else None
        if reply is not None:
            await blocking(current_card.close, deps.runtime, thread)
    if not current:
        await current_card.retire(deps, body)
        return
    card = card_ref(body, person.id)
    if reply is None:
        requester = str((await blocking(deps.runner.state, thread)).get("requester") or "")
        gone = not requester  # pruned: nobody's conversation any more
        mine = gone or key(requester) == key(person.id)
        await tell(deps, body, NOTHING_TO_CANCEL if mine else ONLY_REQUESTER_CANCEL)
    elif card is not None:
        await update(deps, card, cancelled_card())


async def approver_search(deps: SlackDeps, body: dict[str, Any]) -> list[Block]:
    """The options of a "who should review" external select, for the card's requester."""
    indexes = _pick_indexes(str(body.get("action_id") or ""))
    channel = channel_of(body)
    person = await deps.users.person(user_of(body))
    if indexes is None or channel is None or person is None:
        return []
    state = await blocking(deps.runner.state, conversation(team_of(body), channel))
    proposal = state.get("proposal")
    if key(str(state.get("requester") or "")) != key(person.id) or not proposal:
        return []
    directory = await blocking(deps.runtime.directory)
    query = str(body.get("value") or "")
    shown = Proposal.model_validate(proposal)
    return approver_options(shown, *indexes, query=query, directory=directory)
