"""The manual-fulfillment task an app owner gets once a request is approved.

Buttons carry only the request id: closing the task re-checks that the clicker owns
the app (or is an admin).
"""

from __future__ import annotations

from domain.ids import key
from domain.model.directory import Directory
from domain.model.policy import fulfillers
from domain.model.requests import AccessRequest, ItemStatus, RequestItem, State
from slack_app.blocks import facts
from slack_app.blocks.approvals import request_facts
from slack_app.blocks.escape import mrkdwn
from slack_app.blocks.ids import Action, pack
from slack_app.blocks.kit import Block, actions, button, confirm, context, header, message


def owned_items(request: AccessRequest, directory: Directory, owner: str) -> list[RequestItem]:
    """The items still being set up that are `owner`'s task: in apps they own, unless
    the request is their own (`policy.fulfillers`: then the other owners or the admins)."""
    return [
        i
        for i in request.active_items
        if i.status is ItemStatus.FULFILLING
        and key(owner) in {key(p) for p in fulfillers(directory, request, i.app_id)}
    ]


def task_dm(request: AccessRequest, directory: Directory, *, owner: str) -> Block:
    d, r = directory, request
    todo = [f"• {mrkdwn(i.note or facts.item_label(d, i))}" for i in owned_items(r, d, owner)]
    failed = confirm(
        "Mark as failed?", "The requester is told nothing was granted.", yes="Mark failed"
    )
    blocks = [
        header(f"Please grant access ({r.id})"),
        *request_facts(r, d),
        context("*To do:*\n" + "\n".join(todo or ["• nothing left for your apps"])),
        actions(
            button("Done", Action.TASK_DONE, r.id, style="primary"),
            button("Failed", Action.TASK_FAILED, r.id, style="danger", ask=failed),
            block_id=pack(Action.TASK, r.id),
        ),
    ]
    who = facts.name(d, r.beneficiary)
    return message(blocks, f"{r.id}: please grant access for {who}, then click Done.")


def task_closed(request: AccessRequest, directory: Directory, *, by: str) -> Block:
    d, r = directory, request
    if r.state is State.FULFILLED:
        outcome = f"✅ Done — marked by {facts.name(d, by)}; access granted."
    elif r.state is State.FAILED:
        outcome = f"⚠️ Marked failed by {facts.name(d, by)}; nothing was granted for it."
    else:
        outcome = f"Updated by {facts.name(d, by)}: {facts.progress(d, r)}."
    blocks = [header(f"Access task ({r.id})"), *request_facts(r, d), context(mrkdwn(outcome))]
    return message(blocks, f"{r.id}: {outcome}")
