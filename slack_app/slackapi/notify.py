"""Messages sent after a request changed (always after the commit, never deciding it).

Approvers of the current step get the approval DM (only the one the requester picked
on the card, while that pick still holds; see `services.picks`); once a step is
decided every approver's copy is updated in place; the requester (and a different beneficiary)
hears about each step; app owners get the manual task (not a requester's or
beneficiary's own: `policy.fulfillers`). Sent message refs are kept as
audit events (see `records`) so a later decision can find and update them.
"""

from __future__ import annotations

import dataclasses
from functools import partial

from domain.ids import key
from domain.model.directory import Directory
from domain.model.foureyes import may_decide
from domain.model.policy import fulfillers
from domain.model.requests import AccessRequest, State
from slack_app.blocks import facts, notices
from slack_app.blocks.approvals import approver_dm, decided_dm
from slack_app.blocks.kit import Block
from slack_app.blocks.tasks import owned_items, task_dm
from slack_app.listeners.deps import SlackDeps
from slack_app.listeners.edge import blocking, dm, update
from slack_app.listeners.records import (
    APPROVER_DM,
    TASK_DM,
    claim,
    done,
    messages,
    remember_message,
)
from slack_app.services.picks import asked, still_asked


async def approvers(
    deps: SlackDeps, request: AccessRequest, directory: Directory, *, again: bool = False
) -> list[str]:
    """DM the current step's approvers, or only the one the requester picked while that
    pick holds (none when the request is not waiting). Returns who was reached.
    `again`: finishing the work of a click whose earlier attempt died half-way, so an
    approver whose DM is remembered already is counted reached, not DM'd twice."""
    step = request.current_step
    if request.state is not State.SUBMITTED or step is None:
        return []
    payload = approver_dm(request, directory, step_index=step.index)
    chosen = await picked(deps, request, directory)
    sent = await _sent(deps, APPROVER_DM, request, step.index) if again else set()
    ask = partial(_ask, deps, request, step.index, payload=payload, sent=sent)
    to = [chosen] if chosen else facts.waiting_for(request, step)
    reached = [a for a in to if await ask(a)]
    if chosen and not reached:  # the one picked can't be reached: ask the others instead
        others = [a for a in facts.waiting_for(request, step) if key(a) != key(chosen)]
        reached = [a for a in others if await ask(a)]
    return reached


async def _sent(deps: SlackDeps, kind: str, request: AccessRequest, step: int | None) -> set[str]:
    """Who already has a message of `kind` about `request` (of that step)."""
    refs = await blocking(messages, deps.runtime, kind, request.id, step=step)
    return {key(r.person) for r in refs}


async def _ask(
    deps: SlackDeps,
    request: AccessRequest,
    index: int,
    approver: str,
    *,
    payload: Block,
    sent: set[str],
) -> bool:
    """DM one approver and remember the message (its copy is updated once decided)."""
    if key(approver) in sent:
        return True
    ref = await dm(deps, approver, payload)
    if ref is not None:
        ref = dataclasses.replace(ref, step=index)
        await blocking(remember_message, deps.runtime, APPROVER_DM, request.id, ref)
    return ref is not None


async def picked(deps: SlackDeps, request: AccessRequest, directory: Directory) -> str | None:
    """The approver the requester picked for the current step, while still eligible."""
    step = request.current_step
    if step is None:
        return None
    wish = (await blocking(asked, deps.runtime, request.id)).get(step.index)
    chosen = still_asked(directory, step, wish)
    return chosen if chosen and may_decide(request, chosen) else None  # four eyes


async def owners(
    deps: SlackDeps, request: AccessRequest, directory: Directory, *, again: bool = False
) -> None:
    """DM each owner of an app with a manual grant still to do (`again`: not those an
    earlier attempt of the same click did)."""
    if request.state is not State.FULFILLING:
        return
    seen = await _sent(deps, TASK_DM, request, None) if again else set()
    for item in request.active_items:
        for owner in fulfillers(directory, request, item.app_id):  # never their own grant
            if key(owner) in seen or not owned_items(request, directory, owner):
                continue
            seen.add(key(owner))
            ref = await dm(deps, owner, task_dm(request, directory, owner=owner))
            if ref is not None:
                await blocking(remember_message, deps.runtime, TASK_DM, request.id, ref)


async def requester(deps: SlackDeps, request: AccessRequest, payload: Block) -> bool:
    """DM the requester and a different beneficiary; True when either was reached."""
    reached = await dm(deps, request.requester, payload) is not None
    if key(request.beneficiary) != key(request.requester):
        reached = await dm(deps, request.beneficiary, payload) is not None or reached
    return reached


async def after_decision(
    deps: SlackDeps, request: AccessRequest, *, changed: bool, again: bool = False
) -> None:
    """Every approver's copy shows the decision, the requester hears of it, and the next
    step's approvers or the owners are asked. `again`: an earlier attempt of the click
    may have died half-way through this, so what it did is not done twice (the
    requester's notice is remembered by a key written once it was sent)."""
    directory = await blocking(deps.runtime.directory)
    step = facts.last_decision(request)
    if step is not None:
        run = {  # one click decides a run of steps: the DMs of each show it
            s.index
            for s in request.steps
            if s.decided_by == step.decided_by and s.decided_at == step.decided_at
        }
        refs = await blocking(messages, deps.runtime, APPROVER_DM, request.id)
        decided = decided_dm(request, directory)
        for ref in (r for r in refs if r.step in run):
            await update(deps, ref, decided)
        nxt = await picked(deps, request, directory)
        notice = notices.after_decision(request, directory, step, changed=changed, asked=nxt)
        told = f"slack:decision_notice:{request.id}:{step.index}"
        if again and await blocking(done, deps.runtime, told):
            pass  # the earlier attempt told them
        elif await requester(deps, request, notice):
            await blocking(claim, deps.runtime, told)
    await approvers(deps, request, directory, again=again)
    await owners(deps, request, directory, again=again)


async def withdrawn(deps: SlackDeps, request: AccessRequest) -> None:
    """Every approver's copy of a withdrawn request says so, and loses its buttons."""
    directory = await blocking(deps.runtime.directory)
    refs = await blocking(messages, deps.runtime, APPROVER_DM, request.id)
    payload = decided_dm(request, directory)
    for ref in refs:
        await update(deps, ref, payload)
