"""The guided request modal (`/access` alone, App Home "Request access").

One step per view, like the reference products' forms: access like (person / job
title / role / custom) and the reference → which grants (some, or all) → which
account in each app (skipped when there is nothing to choose) → permanent or
temporary with a last day, the reason and a comment. Each step's submission is
validated (`guided_steps`; errors go back into the form, next to the field) and answered with
`response_action: update` and the next view; the answers so far travel in the view's
private_metadata (`guided_form.FormAnswers`), which only Slack can send back to us.

The last step closes the modal and hands the structured ask to the agent
(`AgentRunner.start`): the same tools resolve and check it as a typed request, and the
same confirmation card appears in the requester's DM, where Submit works as usual.
Nothing in the form grants anything; the card and the domain re-check all of it.
"""

from __future__ import annotations

import logging
from typing import Any

from slack_bolt.async_app import AsyncAck, AsyncApp

from domain.model.org import Person
from slack_app.blocks.ids import Action
from slack_app.blocks.kit import MAX_OPTIONS, option
from slack_app.blocks.request_form import Step
from slack_app.blocks.request_modal import request_modal
from slack_app.listeners.deps import SlackDeps
from slack_app.listeners.edge import acting_person, blocking, conversation, team_of, user_of
from slack_app.listeners.guided_form import (
    EXPIRED_FORM,
    Finished,
    FormAnswers,
    grant_choice,
    like_form,
    offered,
    picked,
    references,
    view_values,
)
from slack_app.listeners.guided_steps import (
    STEPS_AFTER,
    FormError,
    after_duration,
    after_like,
    redraw_duration,
    tool_context,
)
from slack_app.listeners.messages import converse_structured
from slack_app.slackapi import retry
from slack_app.slackapi.users import NOT_FOUND

log = logging.getLogger(__name__)

MAX_SEARCH = 100


async def open_form(deps: SlackDeps, trigger_id: str, person: Person) -> None:
    directory = await blocking(deps.runtime.directory)
    view = request_modal("like", like_form(directory, person))
    await retry.notify(deps.client.views_open, trigger_id=trigger_id, view=view)


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

    @app.action(Action.DURATION_KIND)
    async def on_duration_kind(ack: AsyncAck, body: dict[str, Any]) -> None:
        await ack()
        person = await acting_person(deps, body)
        view = body.get("view") or {}
        answers = FormAnswers.load(str(view.get("private_metadata") or ""))
        if person is None or answers is None or not view.get("id"):
            return
        redrawn = await blocking(redraw_duration, deps, person, view, answers)
        await retry.notify(
            deps.client.views_update, view_id=view["id"], hash=view.get("hash"), view=redrawn
        )

    @app.options(Action.REFERENCE)
    async def on_search(ack: AsyncAck, body: dict[str, Any]) -> None:
        person = await deps.users.person(user_of(body))
        if person is None:  # strangers get no list of the org's people
            await ack(options=[])
            return
        kind = str(picked(body.get("view") or {}, Action.ACCESS_LIKE).get("value") or "person")
        query = str(body.get("value") or "").casefold()
        directory = await blocking(deps.runtime.directory)
        found = [c for c in references(directory, kind, person.id) if query in c.label.casefold()]
        await ack(options=[option(c.label, c.value) for c in found[:MAX_SEARCH]])

    @app.options(Action.GRANTS)
    async def on_grant_search(ack: AsyncAck, body: dict[str, Any]) -> None:
        person = await deps.users.person(user_of(body))
        answers = FormAnswers.load(str((body.get("view") or {}).get("private_metadata") or ""))
        if person is None or answers is None:
            await ack(options=[])
            return
        grants, _ = await blocking(offered, tool_context(deps, person), answers)
        query = str(body.get("value") or "").casefold()
        found = [grant_choice(g) for g in grants if query in g.label.casefold()]
        await ack(options=[option(c.label, c.value, c.description) for c in found[:MAX_OPTIONS]])

    @app.view(Action.REQUEST_MODAL_LIKE)
    async def on_like(ack: AsyncAck, body: dict[str, Any], view: dict[str, Any]) -> None:
        await step(deps, ack, body, view, "like")

    @app.view(Action.REQUEST_MODAL_GRANTS)
    async def on_grants(ack: AsyncAck, body: dict[str, Any], view: dict[str, Any]) -> None:
        await step(deps, ack, body, view, "grants")

    @app.view(Action.REQUEST_MODAL_IDENTITIES)
    async def on_identities(ack: AsyncAck, body: dict[str, Any], view: dict[str, Any]) -> None:
        await step(deps, ack, body, view, "identities")

    @app.view(Action.REQUEST_MODAL_DURATION)
    async def on_duration(ack: AsyncAck, body: dict[str, Any], view: dict[str, Any]) -> None:
        await step(deps, ack, body, view, "duration")


async def step(
    deps: SlackDeps, ack: AsyncAck, body: dict[str, Any], view: dict[str, Any], name: Step
) -> None:
    """Validate one step's submission; answer with the next view, the errors, or (last
    step) close the modal and start the conversation in the requester's DM."""
    person = await deps.users.person(user_of(body))
    if person is None:
        await ack(response_action="errors", errors=_first_block(view, NOT_FOUND))
        return
    answers = (
        FormAnswers()
        if name == "like"
        else FormAnswers.load(str(view.get("private_metadata") or ""))
    )
    if answers is None:
        await ack(response_action="errors", errors=_first_block(view, EXPIRED_FORM))
        return
    try:
        if name == "like":
            await ack(**await blocking(after_like, deps, person, view))
            return
        if name in STEPS_AFTER:
            await ack(**await blocking(STEPS_AFTER[name], deps, person, view, answers))
            return
        done = await blocking(after_duration, deps, person, view, answers)
    except FormError as problem:
        await ack(**problem.response())
        return
    await ack()  # closes the modal; the card comes in the DM
    await start_conversation(deps, body, person, done)


def _first_block(view: dict[str, Any], message: str) -> dict[str, str]:
    blocks = [b for b in (view.get("blocks") or []) if b.get("type") == "input"]
    block = str(blocks[0].get("block_id")) if blocks else str(next(iter(view_values(view)), ""))
    return {block: message}


async def start_conversation(
    deps: SlackDeps, body: dict[str, Any], person: Person, done: Finished
) -> None:
    opened = await retry.notify(deps.client.conversations_open, users=user_of(body))
    if opened is None:
        return
    channel = str(opened["channel"]["id"])
    thread = conversation(team_of(body), channel)
    await converse_structured(
        deps,
        thread=thread,
        channel=channel,
        person_id=person.id,
        words=done.words,
        ask=done.ask,
        picks=done.picks,
    )
