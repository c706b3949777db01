"""Channel alerts: a terminated person who still holds access, with a button that opens
a revoke request for it (the clicker asks; the domain checks they may), and the same
alert once someone has."""

from __future__ import annotations

from domain.model.directory import Directory
from domain.model.leftovers import Leftover
from domain.model.requests import AccessRequest, RequestItem
from slack_app.blocks import facts
from slack_app.blocks.escape import mrkdwn
from slack_app.blocks.ids import Action
from slack_app.blocks.kit import (
    Block,
    actions,
    button,
    confirm,
    context,
    header,
    lines_block,
    message,
    section,
)

MAX_ITEM_BLOCKS = 20


def leftover_alert(leftover: Leftover, directory: Directory) -> Block:
    name = facts.who(directory, leftover.person)
    lines = [_held_line(directory, ident, ent) for ident, _, ent in leftover.held]
    ask = confirm(
        "Open a revoke request?",
        f"You ask to remove {mrkdwn(name)}'s access; it goes through approval.",
        yes="Open it",
    )
    blocks = [
        header(f"Leftover access: {facts.name(directory, leftover.person)}"),
        section(f"*{mrkdwn(name)}* is terminated in the org data but still holds:"),
        *lines_block(lines, max_blocks=MAX_ITEM_BLOCKS, more="more grants"),
        actions(
            button("Open revoke request", Action.REVOKE_LEFTOVERS, leftover.person, ask=ask),
            block_id=Action.ALERT,
        ),
        context("An admin, their last manager or the app's owner may open it."),
    ]
    count = len(leftover.held)
    text = f"Leftover access: {name} is terminated but still holds {count} grant(s)"
    return message(blocks, text)


def alert_answered(
    shown: list[Block], requests: list[AccessRequest], directory: Directory, *, by: str
) -> Block:
    """The alert as shown (its blocks), without its button, saying who opened which
    revoke request."""
    ids = ", ".join(r.id for r in requests)
    said = f"{facts.name(directory, by)} opened a revoke request: {ids}"
    kept = [b for b in shown if b.get("type") != "actions"]
    return message([*kept, context("🔒 " + mrkdwn(said))], said)


def _held_line(directory: Directory, identity_id: str, entitlement_id: str) -> str:
    app_id = identity_id.split(":", 1)[0]
    item = RequestItem(entitlement_id=entitlement_id, app_id=app_id, identity_id=identity_id)
    return facts.item_line(directory, item)
