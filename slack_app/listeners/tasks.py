"""An app owner closes a manual task: Done (granted) or Failed.

`services.close_task` checks the clicker owns the app (or is an admin). Every owner's
copy of the task is then updated, and the requester hears the outcome once the
request is fulfilled or failed.
"""

from __future__ import annotations

from typing import Any

from slack_bolt.async_app import AsyncAck, AsyncApp

from domain.errors import DomainError
from domain.model.requests import AccessRequest, State
from slack_app.blocks import notices
from slack_app.blocks.ids import Action
from slack_app.blocks.tasks import task_closed
from slack_app.listeners.deps import SlackDeps
from slack_app.listeners.edge import acting_person, blocking, tell, update
from slack_app.listeners.records import TASK_DM, messages
from slack_app.services.requests import close_task
from slack_app.slackapi import notify


def register(app: AsyncApp, deps: SlackDeps) -> None:
    @app.action(Action.TASK_DONE)
    async def on_done(ack: AsyncAck, body: dict[str, Any], action: dict[str, Any]) -> None:
        await ack()
        await close(deps, body, str(action.get("value")), success=True)

    @app.action(Action.TASK_FAILED)
    async def on_failed(ack: AsyncAck, body: dict[str, Any], action: dict[str, Any]) -> None:
        await ack()
        await close(deps, body, str(action.get("value")), success=False)


async def close(deps: SlackDeps, body: dict[str, Any], rid: str, *, success: bool) -> None:
    person = await acting_person(deps, body)
    if person is None:
        return
    note = "" if success else "marked failed in Slack"
    try:
        request = await blocking(
            close_task, deps.runtime, rid, actor=person.id, success=success, note=note
        )
    except DomainError as exc:
        await tell(deps, body, exc.message)
        return
    await closed(deps, request, by=person.id)


async def closed(deps: SlackDeps, request: AccessRequest, *, by: str) -> None:
    directory = await blocking(deps.runtime.directory)
    payload = task_closed(request, directory, by=by)
    for ref in await blocking(messages, deps.runtime, TASK_DM, request.id):
        await update(deps, ref, payload)
    if request.state is State.FULFILLED:
        await notify.requester(deps, request, notices.granted(request, directory))
    elif request.state is State.FAILED:
        await notify.requester(deps, request, notices.failed(request, directory))
