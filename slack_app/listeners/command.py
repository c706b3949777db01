"""`/access`: with words, a private conversation turn; alone, the guided modal.

`/access github write for 2 weeks` is answered in the person's DM with the bot (the
same conversation as typing there), so the card and its buttons stay private. When
the DM cannot be opened, the answer comes as an ephemeral in the channel instead.
"""

from __future__ import annotations

from typing import Any

from slack_bolt.async_app import AsyncAck, AsyncApp

from slack_app.listeners import guided
from slack_app.listeners.deps import SlackDeps
from slack_app.listeners.edge import acting_person, conversation, team_of, tell, user_of
from slack_app.listeners.messages import converse
from slack_app.slackapi import retry

COMMAND = "/access"
NO_DM = "I couldn't open a DM with you; message me directly (Apps → Access) to continue."


def register(app: AsyncApp, deps: SlackDeps) -> None:
    @app.command(COMMAND)
    async def on_access(ack: AsyncAck, body: dict[str, Any], command: dict[str, Any]) -> None:
        await ack()
        await access(deps, body, text=str(command.get("text") or "").strip())


async def access(deps: SlackDeps, body: dict[str, Any], *, text: str) -> None:
    person = await acting_person(deps, body)
    if person is None:
        return
    if not text:
        await guided.open_form(deps, str(body.get("trigger_id")), person)
        return
    opened = await retry.notify(deps.client.conversations_open, users=user_of(body))
    if opened is None:
        await tell(deps, body, NO_DM)
        return
    channel = str(opened["channel"]["id"])
    thread = conversation(team_of(body), channel)
    await converse(deps, thread=thread, channel=channel, person_id=person.id, text=text)
