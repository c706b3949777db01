"""The App Home tab: published when opened, and again after a decision made from it.

Shows what waits for the person's approval, their open requests and their temporary
access, from the store. "Request access" opens the guided modal; "Details" a
request's details (for those it concerns); "Remind" re-sends the approval DM.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from slack_bolt.async_app import AsyncAck, AsyncApp

from domain.ids import key
from domain.model.directory import Directory
from domain.model.org import Person
from domain.model.requests import AccessRequest, State
from slack_app.blocks import facts
from slack_app.blocks.details import request_details
from slack_app.blocks.home import home_view
from slack_app.blocks.ids import Action
from slack_app.listeners import guided
from slack_app.listeners.deps import SlackDeps
from slack_app.listeners.edge import acting_person, blocking, tell
from slack_app.listeners.records import claim, release
from slack_app.slackapi import notify, retry

UNREACHABLE = "Could not reach the approvers just now: try Remind again in a while."


@dataclass(frozen=True)
class HomeData:
    directory: Directory
    awaiting: list[AccessRequest]
    mine: list[AccessRequest]
    temporary: list[AccessRequest]


def load(deps: SlackDeps, person_id: str) -> HomeData:
    directory = deps.runtime.directory()
    with deps.runtime.uow() as uow:
        awaiting = uow.requests.awaiting(person_id)
        asked = uow.requests.by_requester(person_id)
    mine = [r for r in asked if r.is_open]
    temporary = [r for r in asked if r.state is State.FULFILLED and r.end is not None]
    return HomeData(directory, awaiting, mine, temporary)


async def publish(deps: SlackDeps, slack_user: str, person: Person) -> None:
    data = await blocking(load, deps, person.id)
    view = home_view(
        person, data.directory, awaiting=data.awaiting, mine=data.mine, temporary=data.temporary
    )
    await retry.notify(deps.client.views_publish, user_id=slack_user, view=view)


def register(app: AsyncApp, deps: SlackDeps) -> None:
    @app.event("app_home_opened")
    async def on_home(event: dict[str, Any]) -> None:
        if event.get("tab", "home") != "home":
            return
        slack_user = str(event.get("user"))
        person = await deps.users.person(slack_user)
        if person is not None:
            await publish(deps, slack_user, person)

    @app.action(Action.HOME_REQUEST_ACCESS)
    async def on_request_access(ack: AsyncAck, body: dict[str, Any]) -> None:
        await ack()
        person = await acting_person(deps, body)
        if person is not None:
            await guided.open_form(deps, str(body.get("trigger_id")), person)

    @app.action(Action.OPEN_REQUEST)
    async def on_details(ack: AsyncAck, body: dict[str, Any], action: dict[str, Any]) -> None:
        await ack()
        person = await acting_person(deps, body)
        found = await blocking(_request, deps, str(action.get("value")))
        if person is None or found is None or not may_see(*found, person):
            return
        view = request_details(*found)
        await retry.notify(deps.client.views_open, trigger_id=body.get("trigger_id"), view=view)

    @app.action(Action.REMIND)
    async def on_remind(ack: AsyncAck, body: dict[str, Any], action: dict[str, Any]) -> None:
        await ack()
        await remind(deps, body, str(action.get("value")))


def may_see(request: AccessRequest, directory: Directory, person: Person) -> bool:
    """Those a request concerns: its people, its approvers, its apps' owners, admins."""
    me = key(person.id)
    people = {request.requester, request.beneficiary}
    people.update(a for s in request.steps for a in s.approvers)
    for item in request.items:
        app = directory.app(item.app_id)
        people.update(app.owners if app else [])
    return person.admin or me in {key(p) for p in people}


async def remind(deps: SlackDeps, body: dict[str, Any], rid: str) -> None:
    """The requester nudges the current step's approvers (only the one they picked, if
    that pick still holds): at most once a day per step.

    The day's key means "this reminder is being or was sent": claimed before the DMs go
    out, so a double click or a second replica sends it once. When no approver could be
    reached the key is released, so the requester may try again (a crash in between
    uses up that day's reminder: at most once, never twice)."""
    person = await acting_person(deps, body)
    found = await blocking(_request, deps, rid)
    if person is None or found is None:
        return
    request, directory = found
    step = request.current_step
    if key(request.requester) != key(person.id) or step is None or not request.is_open:
        await tell(deps, body, "Only the requester of an open request can send a reminder.")
        return
    today = deps.runtime.clock.now().date().isoformat()
    once = f"slack:remind:{rid}:{step.index}:{today}"
    if not await blocking(claim, deps.runtime, once):
        await tell(deps, body, "Already reminded today: approvers get one reminder a day.")
        return
    reminded = await notify.approvers(deps, request, directory)
    if not reminded:
        await blocking(release, deps.runtime, once)
        await tell(deps, body, UNREACHABLE)
        return
    await tell(deps, body, f"Reminded {facts.names(directory, reminded)}.")


def _request(deps: SlackDeps, rid: str) -> tuple[AccessRequest, Directory] | None:
    with deps.runtime.uow() as uow:
        request = uow.requests.get(rid)
    return (request, deps.runtime.directory()) if request else None
