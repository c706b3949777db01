"""Answers to the clarification message by click: a choice button, a select, or
"Use selected" / "All of them" for a multi-choice question.

A click is turned into the words the requester would have typed (the chosen labels,
or "all of them") and sent as the next turn of the same conversation, so a clicked
answer and a typed one are understood alike. Only the requester can answer.
"""

from __future__ import annotations

from typing import Any

from slack_bolt.async_app import AsyncAck, AsyncApp, AsyncBoltContext

from domain.ids import key
from slack_app.blocks.ids import Action, pattern, unpack
from slack_app.blocks.kit import MAX_OPTIONS, option
from slack_app.listeners.deps import SlackDeps
from slack_app.listeners.edge import acting_person, blocking, channel_of, tell, update, user_of
from slack_app.listeners.messages import converse
from slack_app.listeners.records import MessageRef
from slack_app.slackapi.replies import text
from slack_app.worker.inbox_job import INBOX_JOB, JobRun

ONLY_REQUESTER = "Only the person who asked can answer this question."
ALL = "all of them"


def offered(state: dict[str, Any], slot: str) -> dict[str, str]:
    """Candidate id -> label, as the conversation's open question offers them for `slot`."""
    problems = (state.get("question") or {}).get("problems") or []
    return {
        str(c["id"]): str(c["label"])
        for p in problems
        if str(p.get("slot") or "") == slot
        for c in p.get("choices") or []
    }


def labels(state: dict[str, Any], slot: str, ids: list[str]) -> list[str]:
    """The labels of the candidates `ids` offered for `slot` (unknown ids are dropped)."""
    choices = offered(state, slot)
    return [choices[i] for i in ids if i in choices]


def picked_in(body: dict[str, Any], thread: str, slot: str) -> list[str]:
    """Candidate ids selected in the question's picker for `slot`, from the message state."""
    values = (body.get("state") or {}).get("values") or {}
    for block_id, inputs in values.items():
        parts = unpack(block_id)
        if parts[0] != Action.CHOICES or parts[2:4] != [thread, slot]:
            continue
        element = inputs.get(Action.CHOOSE_CANDIDATE) or {}
        options = element.get("selected_options") or [element.get("selected_option") or {}]
        return [str(o["value"]) for o in options if o.get("value")]
    return []


def register(app: AsyncApp, deps: SlackDeps) -> None:
    @app.action(pattern(Action.CHOOSE_CANDIDATE))
    async def on_choice(
        ack: AsyncAck, body: dict[str, Any], action: dict[str, Any], context: AsyncBoltContext
    ) -> None:
        await ack()
        job = context.get(INBOX_JOB)
        if action.get("type") == "button":
            thread, slot, *rest = _padded(str(action.get("value", "")), 2)
            await answer(deps, body, thread, slot, ids=["|".join(rest)], job=job)
        elif action.get("type") in ("static_select", "external_select"):
            _, _, thread, slot = _padded(str(action.get("block_id", "")), 4)[:4]
            choice = (action.get("selected_option") or {}).get("value")
            ids = [str(choice)] if choice else []
            await answer(deps, body, thread, slot, ids=ids, job=job)
        # checkboxes and multi-selects wait for "Use selected"

    @app.options(Action.CHOOSE_CANDIDATE)
    async def on_search(ack: AsyncAck, body: dict[str, Any]) -> None:
        """Type-ahead for a question with more choices than a static select holds."""
        await ack(options=await search(deps, body))

    @app.action(Action.CHOOSE_SELECTED)
    async def on_selected(
        ack: AsyncAck, body: dict[str, Any], action: dict[str, Any], context: AsyncBoltContext
    ) -> None:
        await ack()
        thread, slot = _padded(str(action.get("value", "")), 2)[:2]
        ids = picked_in(body, thread, slot)
        await answer(deps, body, thread, slot, ids=ids, job=context.get(INBOX_JOB))

    @app.action(Action.CHOOSE_ALL)
    async def on_all(
        ack: AsyncAck, body: dict[str, Any], action: dict[str, Any], context: AsyncBoltContext
    ) -> None:
        await ack()
        thread, slot = _padded(str(action.get("value", "")), 2)[:2]
        job = context.get(INBOX_JOB)
        await answer(deps, body, thread, slot, ids=[], everything=True, job=job)


def _padded(value: str, parts: int) -> list[str]:
    """`value`'s parts, at least `parts` of them: a forged or stale value with fewer
    names no thread, and `answer` tells the clicker it is not their question."""
    found = unpack(value)
    return found + [""] * (parts - len(found))


async def search(deps: SlackDeps, body: dict[str, Any]) -> list[dict[str, Any]]:
    parts = unpack(str(body.get("block_id", "")))
    if len(parts) < 4 or parts[0] != Action.CHOICES:
        return []
    thread, slot = parts[2], parts[3]
    person = await deps.users.person(user_of(body))
    state = await blocking(deps.runner.state, thread)
    if person is None or key(str(state.get("requester") or "")) != key(person.id):
        return []
    query = str(body.get("value") or "").casefold()
    found = [(i, label) for i, label in offered(state, slot).items() if query in label.casefold()]
    return [option(label, i) for i, label in found[:MAX_OPTIONS]]


async def answer(
    deps: SlackDeps,
    body: dict[str, Any],
    thread: str,
    slot: str,
    *,
    ids: list[str],
    everything: bool = False,
    job: JobRun | None = None,
) -> None:
    """`job`: run by the inbox worker; the turn's "Thinking…" is the one an earlier
    attempt of the same click posted, if any (see `messages.converse`)."""
    person = await acting_person(deps, body)
    channel = channel_of(body)
    if person is None or channel is None:
        return
    state = await blocking(deps.runner.state, thread)
    if key(str(state.get("requester") or "")) != key(person.id):
        await tell(deps, body, ONLY_REQUESTER)
        return
    chosen = [ALL] if everything else labels(state, slot, ids)
    if not chosen:
        await tell(deps, body, "Pick at least one, or just reply in words.")
        return
    words = ", ".join(chosen)
    ts = (body.get("container") or {}).get("message_ts")
    if ts:  # the question is answered: its controls go, the answer stays visible
        await update(deps, MessageRef(channel, str(ts), person.id), text(f"You chose: {words}"))
    await converse(deps, thread=thread, channel=channel, person_id=person.id, text=words, job=job)
