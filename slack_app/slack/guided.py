"""The guided request modal (`/access` alone, App Home "Request access"): its first step.

The modal asks what the access should be like (a person, a job title, a role) and
hands the choice to the conversation in the requester's DM as the words they would
have typed ("same access as Priya Raman"). The agent then asks what is still open
(which grants, how long) and shows the same confirmation card as a typed request, so a
guided request is checked exactly like one in words. "Custom" points to the DM.
"""

from __future__ import annotations

from typing import Any

from slack_bolt.async_app import AsyncAck, AsyncApp

from domain.directory import Directory
from domain.org import Person
from domain.orgcheck import key
from slack_app.blocks.ids import Action
from slack_app.blocks.kit import option
from slack_app.blocks.request_form import AccessLike, Choice, RequestForm
from slack_app.blocks.request_modal import LIKE_LABELS, request_modal
from slack_app.slack import retry
from slack_app.slack.deps import SlackDeps
from slack_app.slack.edge import acting_person, blocking, conversation, team_of, user_of
from slack_app.slack.messages import converse

IN_WORDS = {
    "person": "same access as {}",
    "job_title": "same access as a {}",
    "role": "same access as the {} role",
}
CUSTOM = "Tell me here in your own words what you need, e.g. “github write for 2 weeks”."
MAX_SEARCH = 100


def references(directory: Directory, kind: str, me: str) -> list[Choice]:
    if kind == "person":
        return [
            Choice(p.id, p.name, p.title or "")
            for p in directory.data.people
            if p.active and key(p.id) != key(me)
        ]
    if kind == "job_title":
        return [Choice(t, t) for t in directory.titles()]
    if kind == "role":
        return [Choice(r.id, r.name) for r in directory.roles.values()]
    return []


def like_form(directory: Directory, person: Person, kind: str = "person") -> RequestForm:
    like: AccessLike = kind if kind in LIKE_LABELS else "person"  # type: ignore[assignment]
    return RequestForm(
        access_like=like,
        references=references(directory, like, person.id),
        reasons=directory.reasons,
    )


async def open_form(deps: SlackDeps, trigger_id: str, person: Person) -> None:
    directory = await blocking(deps.runtime.directory)
    view = request_modal("like", like_form(directory, person))
    await retry.notify(deps.client.views_open, trigger_id=trigger_id, view=view)


def _picked(view: dict[str, Any], action: Action) -> dict[str, Any]:
    values = (view.get("state") or {}).get("values") or {}
    return dict(((values.get(action) or {}).get(action) or {}).get("selected_option") or {})


def register(app: AsyncApp, deps: SlackDeps) -> None:
    @app.action(Action.ACCESS_LIKE)
    async def on_kind(ack: AsyncAck, body: dict[str, Any], action: dict[str, Any]) -> None:
        await ack()
        person = await acting_person(deps, body)
        view = body.get("view") or {}
        if person is None or not view.get("id"):
            return
        kind = str((action.get("selected_option") or {}).get("value") or "person")
        directory = await blocking(deps.runtime.directory)
        redrawn = request_modal("like", like_form(directory, person, kind))
        await retry.notify(
            deps.client.views_update, view_id=view["id"], hash=view.get("hash"), view=redrawn
        )

    @app.options(Action.REFERENCE)
    async def on_search(ack: AsyncAck, body: dict[str, Any]) -> None:
        person = await deps.users.person(user_of(body))
        if person is None:  # strangers get no list of the org's people
            await ack(options=[])
            return
        kind = str(_picked(body.get("view") or {}, Action.ACCESS_LIKE).get("value") or "person")
        query = str(body.get("value") or "").casefold()
        directory = await blocking(deps.runtime.directory)
        found = [c for c in references(directory, kind, person.id) if query in c.label.casefold()]
        await ack(options=[option(c.label, c.value) for c in found[:MAX_SEARCH]])

    @app.view(Action.REQUEST_MODAL_LIKE)
    async def on_like(ack: AsyncAck, body: dict[str, Any], view: dict[str, Any]) -> None:
        await ack()
        await start_conversation(deps, body, view)


async def start_conversation(deps: SlackDeps, body: dict[str, Any], view: dict[str, Any]) -> None:
    person = await acting_person(deps, body)
    if person is None:
        return
    kind = str(_picked(view, Action.ACCESS_LIKE).get("value") or "custom")
    reference = _picked(view, Action.REFERENCE)
    label = str((reference.get("text") or {}).get("text") or "")
    slack_user = user_of(body)
    opened = await retry.notify(deps.client.conversations_open, users=slack_user)
    if opened is None:
        return
    channel = str(opened["channel"]["id"])
    if kind not in IN_WORDS or not label:
        await retry.notify(deps.client.chat_postMessage, channel=channel, text=CUSTOM)
        return
    thread = conversation(team_of(body), channel)
    words = IN_WORDS[kind].format(label)
    await converse(deps, thread=thread, channel=channel, person_id=person.id, text=words)
