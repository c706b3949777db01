"""Approve / Reject / Approve with changes, from an approver DM or the App Home.

Only an eligible approver's own click decides (rule 2): the clicking Slack user is
mapped to a person and `services.decide` lets the domain check them; a refusal is
audited (`decision.refused`) and answered privately. The click's idempotency key
(request, version seen, person) is written in the decision's own transaction (rule 6):
a double click or a second replica decides once, and a refused attempt (say, a later
end in "approve with changes") leaves the approver free to decide again. Reject and
Approve-with-changes open a modal first; its submission decides. After a decision,
`notify` updates every approver's copy, tells the requester, and reaches the next step
or the app owners.
"""

from __future__ import annotations

import logging
from datetime import datetime
from typing import Any

from slack_bolt.async_app import AsyncAck, AsyncApp, AsyncBoltContext

from domain.errors import DomainError, Duplicate, NotAllowed
from domain.ids import key
from domain.model.directory import Directory
from domain.model.requests import AccessRequest, State
from domain.usecases.decisions import Changes, eligible
from slack_app import logs
from slack_app.blocks import facts
from slack_app.blocks.approvals import approve_changes_modal, reject_modal
from slack_app.blocks.ids import Action
from slack_app.listeners import home
from slack_app.listeners.deps import SlackDeps
from slack_app.listeners.edge import acting_person, blocking, tell
from slack_app.listeners.records import record
from slack_app.services.requests import decide
from slack_app.slackapi import notify, retry
from slack_app.worker import inbox_job

log = logging.getLogger(__name__)

NOT_APPROVER = "You are not an approver of this step."


def register(app: AsyncApp, deps: SlackDeps) -> None:
    @app.action(Action.APPROVE)
    async def on_approve(
        ack: AsyncAck, body: dict[str, Any], action: dict[str, Any], context: AsyncBoltContext
    ) -> None:
        await ack()
        rid = str(action.get("value"))
        await decide_click(deps, body, rid, approved=True, again=inbox_job.again(context))

    @app.action(Action.REJECT)
    async def on_reject(ack: AsyncAck, body: dict[str, Any], action: dict[str, Any]) -> None:
        await ack()
        await open_modal(deps, body, str(action.get("value")), rejecting=True)

    @app.action(Action.APPROVE_WITH_CHANGES)
    async def on_changes(ack: AsyncAck, body: dict[str, Any], action: dict[str, Any]) -> None:
        await ack()
        await open_modal(deps, body, str(action.get("value")), rejecting=False)

    @app.view(Action.REJECT_MODAL)
    async def on_reject_modal(ack: AsyncAck, body: dict[str, Any], view: dict[str, Any]) -> None:
        await ack()
        comment = _value(view, Action.COMMENT).get("value") or ""
        rid = str(view.get("private_metadata"))
        await decide_click(deps, body, rid, approved=False, comment=comment)

    @app.view(Action.APPROVE_CHANGES_MODAL)
    async def on_changes_modal(ack: AsyncAck, body: dict[str, Any], view: dict[str, Any]) -> None:
        directory = await blocking(deps.runtime.directory)
        last_day = _value(view, Action.NEW_END).get("selected_date")
        try:
            end = end_after(last_day, directory) if last_day else None
        except ValueError:
            await ack(response_action="errors", errors={Action.NEW_END: "Pick a real day."})
            return
        if end is not None and end <= deps.runtime.clock.now():
            await ack(response_action="errors", errors={Action.NEW_END: "Pick a future day."})
            return
        await ack()
        dropped = _value(view, Action.DROP_ITEMS).get("selected_options") or []
        drop = [str(o["value"]) for o in dropped]
        comment = _value(view, Action.COMMENT).get("value") or ""
        rid = str(view.get("private_metadata"))
        await decide_click(
            deps, body, rid, approved=True, comment=comment, changes=Changes(end=end, drop=drop)
        )


def _value(view: dict[str, Any], action: Action) -> dict[str, Any]:
    values = (view.get("state") or {}).get("values") or {}
    return dict((values.get(action) or {}).get(action) or {})


def end_after(last_day: str, directory: Directory) -> datetime:
    """The end of access for "last day YYYY-MM-DD": the next local midnight.
    ValueError when the modal sent no such day (2026-13-45, or the calendar's last)."""
    return facts.end_after(last_day, directory.timezone)


async def open_modal(deps: SlackDeps, body: dict[str, Any], rid: str, *, rejecting: bool) -> None:
    person = await acting_person(deps, body)
    request = await blocking(_load, deps, rid)
    if person is None or request is None:
        return
    if not eligible(request, person.id):
        await refuse(deps, body, request, person.id)
        return
    directory = await blocking(deps.runtime.directory)
    view = reject_modal(request) if rejecting else approve_changes_modal(request, directory)
    await retry.notify(deps.client.views_open, trigger_id=body.get("trigger_id"), view=view)


async def refuse(deps: SlackDeps, body: dict[str, Any], request: AccessRequest, who: str) -> None:
    """Before a modal opens: the same refusal, and audit line, the domain gives."""
    step = request.current_step
    if request.state is not State.SUBMITTED or step is None:
        await tell(deps, body, _closed(request))
        return
    await blocking(
        record,
        deps.runtime,
        actor=who,
        action="decision.refused",
        request_id=request.id,
        step=step.index,
        via="slack.modal",
    )
    await tell(deps, body, NOT_APPROVER)


def _load(deps: SlackDeps, rid: str) -> AccessRequest | None:
    with deps.runtime.uow() as uow:
        return uow.requests.get(rid)


def _closed(request: AccessRequest) -> str:
    return f"{request.id} is {request.state.value}: there is nothing to decide."


async def decide_click(
    deps: SlackDeps,
    body: dict[str, Any],
    rid: str,
    *,
    approved: bool,
    comment: str = "",
    changes: Changes | None = None,
    again: bool = False,
) -> None:
    """`again`: an inbox job's later attempt (plain Approve), whose earlier one may have
    died after the decision and before the messages that follow it: those are then
    finished (`notify.after_decision`), not answered with "already decided"."""
    with logs.bound(access_request=rid):
        await _decide_click(
            deps, body, rid, approved=approved, comment=comment, changes=changes, again=again
        )


async def _decide_click(
    deps: SlackDeps,
    body: dict[str, Any],
    rid: str,
    *,
    approved: bool,
    comment: str,
    changes: Changes | None,
    again: bool,
) -> None:
    person = await acting_person(deps, body)
    request = await blocking(_load, deps, rid)
    if person is None or request is None:
        return
    if _decided_before(request, person.id):
        if again:
            await notify.after_decision(deps, request, changed=bool(changes), again=True)
            return
        await tell(deps, body, f"You already decided your step of {request.id}.")
        return
    once = f"slack:decision:{rid}:v{request.version}:{key(person.id)}"
    try:
        decided = await blocking(
            decide,
            deps.runtime,
            rid,
            actor=person.id,
            approved=approved,
            comment=comment,
            changes=changes or None,
            key=once,
        )
    except Duplicate:
        log.info("decision click %s already handled", once)
        return
    except NotAllowed as exc:
        await tell(deps, body, NOT_APPROVER if exc.code == "not_an_approver" else exc.message)
        return
    except DomainError as exc:
        await tell(deps, body, exc.message)
        return
    deps.metrics.decided("approved" if approved else "rejected")
    await notify.after_decision(deps, decided, changed=bool(changes))
    if (body.get("view") or {}).get("type") == "home":
        await home.publish(deps, str((body.get("user") or {}).get("id")), person)


def _decided_before(request: AccessRequest, person_id: str) -> bool:
    """Clicked again after deciding: not a probe, just a stale button."""
    return not eligible(request, person_id) and any(
        s.decided_by and key(s.decided_by) == key(person_id) for s in request.steps
    )
