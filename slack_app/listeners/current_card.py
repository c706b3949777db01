"""Which card of a conversation is current, kept in the store so every replica agrees.

A turn that answers with a card makes it the current one and retires the card before
it (a read-only answer leaves the open card current); Submit and Cancel close the
current card (it stays current, so a repeated click finds its outcome). A click on any
other card of the conversation is on a replaced card, whichever replica took it: the
clicked message becomes the "replaced" note and nothing else happens.
The sync functions run off the event loop (`blocking`).
"""

from __future__ import annotations

from typing import Any

from domain.ports import MessageAt
from slack_app.blocks.kit import Block
from slack_app.bootstrap import Runtime
from slack_app.listeners.deps import SlackDeps
from slack_app.listeners.edge import blocking, channel_of, update
from slack_app.listeners.records import MessageRef
from slack_app.slackapi import replies


def show(
    runtime: Runtime, thread: str, card: MessageRef | None, unticked: tuple[str, ...] = ()
) -> MessageRef | None:
    """`card` is the conversation's current card now (None: it has none), drawn with
    `unticked` unticked; the open card it replaces, if any."""
    shown = MessageAt(card.channel, card.ts) if card is not None else None
    with runtime.uow() as uow:
        before = uow.cards.show(thread, shown, runtime.clock.now(), unticked)
        uow.commit()
    return MessageRef(before.channel, before.ts, card.person if card else "") if before else None


def unticked(runtime: Runtime, thread: str) -> tuple[str, ...]:
    """The items the requester unticked on the conversation's open card."""
    with runtime.uow() as uow:
        shown = uow.cards.current(thread)
    return shown.unticked if shown is not None and shown.open else ()


def untick(runtime: Runtime, thread: str, off: tuple[str, ...]) -> None:
    """A tick toggle on the current card: `off` is what it now leaves unticked."""
    with runtime.uow() as uow:
        uow.cards.untick(thread, off, runtime.clock.now())
        uow.commit()


def close(runtime: Runtime, thread: str) -> None:
    """The current card was submitted or cancelled."""
    with runtime.uow() as uow:
        uow.cards.close(thread, runtime.clock.now())
        uow.commit()


def clicked(body: dict[str, Any]) -> MessageAt | None:
    """The message a click was on."""
    channel, ts = channel_of(body), (body.get("container") or {}).get("message_ts")
    return MessageAt(str(channel), str(ts)) if channel and ts else None


def is_current(runtime: Runtime, thread: str, body: dict[str, Any]) -> bool:
    """Whether the clicked message shows the conversation's current card."""
    with runtime.uow() as uow:
        shown = uow.cards.current(thread)
    return shown is not None and shown.message == clicked(body)


async def replaced(deps: SlackDeps, thread: str, body: dict[str, Any]) -> bool:
    """True, with the clicked message turned into the "replaced" note, when the click
    was not on the conversation's current card."""
    if await blocking(is_current, deps.runtime, thread, body):
        return False
    await retire(deps, body)
    return True


async def retire(deps: SlackDeps, body: dict[str, Any]) -> None:
    """The clicked message becomes the "replaced" note (its buttons go)."""
    message = clicked(body)
    if message is not None:
        await update(deps, MessageRef(message.channel, message.ts, ""), note())


def note() -> Block:
    return replies.text(replies.SUPERSEDED)
