"""The approver's modals: approve with changes, and reject with a comment.

`private_metadata` is the request id; the view handler loads the request again and
the decision use case re-checks the approver and the changes (shorter only).
"""

from __future__ import annotations

from domain.model.directory import Directory
from domain.model.requests import AccessRequest
from slack_app.blocks import facts
from slack_app.blocks.escape import mrkdwn
from slack_app.blocks.ids import Action
from slack_app.blocks.kit import (
    MAX_OPTIONS,
    Block,
    context,
    input_block,
    modal,
    option,
    plain,
    section,
    text_input,
)

MAX_CHECKBOXES = 10


def approve_changes_modal(request: AccessRequest, directory: Directory) -> Block:
    d, r = directory, request
    blocks = [
        section(f"*{mrkdwn(r.id)}* for {mrkdwn(facts.who(d, r.beneficiary))}"),
        _end_input(r, d),
        *_drop_input(r, d),
        text_input(Action.COMMENT, "Comment for the requester", optional=True),
    ]
    return modal(
        Action.APPROVE_CHANGES_MODAL,
        "Approve with changes",
        blocks,
        submit="Approve",
        private_metadata=r.id,
    )


def _end_input(r: AccessRequest, d: Directory) -> Block:
    picker: Block = {"type": "datepicker", "action_id": Action.NEW_END}
    if r.end is not None:
        picker["initial_date"] = facts.last_day(r.end, d.timezone).isoformat()
        hint = f"Now {facts.until(r.end, d.timezone)}. You can shorten it, not extend it."
    else:
        hint = "Now permanent. Pick a date to make it temporary."
    return input_block(Action.NEW_END, "Last day of access", picker, optional=True, hint=hint)


def _drop_input(r: AccessRequest, d: Directory) -> list[Block]:
    items = r.active_items
    if len(items) < 2:
        return []
    options = [
        option(facts.item_label(d, i), i.entitlement_id, facts.account(d, i))
        for i in items[:MAX_OPTIONS]
    ]
    element: Block = {"action_id": Action.DROP_ITEMS, "options": options}
    if len(options) <= MAX_CHECKBOXES:
        element["type"] = "checkboxes"
    else:
        element.update(type="multi_static_select", placeholder=plain("Items to leave out"))
    hint = "Keep at least one: dropping everything is a rejection."
    return [input_block(Action.DROP_ITEMS, "Leave these out", element, optional=True, hint=hint)]


def reject_modal(request: AccessRequest) -> Block:
    blocks = [
        section(f"Rejecting *{mrkdwn(request.id)}*."),
        text_input(
            Action.COMMENT,
            "Why? (the requester sees this)",
            optional=False,
            hint="Say what would make it approvable, if anything.",
        ),
        context("The requester is told right away; nothing is granted."),
    ]
    return modal(
        Action.REJECT_MODAL,
        "Reject request",
        blocks,
        submit="Reject",
        private_metadata=request.id,
    )
