"""Channel alerts: a terminated person who still holds access, with a button that opens
a revoke request for it (the clicker asks; the domain checks they may), and the same
alert once someone has; an org import that failed, with what was wrong."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from domain.model.directory import Directory
from domain.model.leftovers import Leftover
from domain.model.requests import AccessRequest, RequestItem
from domain.usecases.failed_imports import FailedImport
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
MAX_PROBLEM_BLOCKS = 10
_BY = {"system": "the start-up import", "cli": "`access-agent org import`"}


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


def import_failed_alert(failure: FailedImport, tz: ZoneInfo) -> Block:
    """`tz`: the org's time zone, UTC while no org was ever imported."""
    by = _BY.get(failure.actor, mrkdwn(failure.actor))
    problems = [f"• {mrkdwn(p)}" for p in failure.problems]
    blocks = [
        header("Org import failed"),
        section(
            f"*{mrkdwn(failure.source)}* was refused by {by} at {facts.at(failure.at, tz)}. "
            "Nothing changed: the org data stays as it was before."
        ),
        section(mrkdwn(failure.error)),
        *lines_block(problems, max_blocks=MAX_PROBLEM_BLOCKS, more="more problems"),
        context(
            "`access-agent org validate FILE` lists every problem; fix the file and "
            "import it again."
        ),
    ]
    return message(blocks, f"Org import failed: {failure.source}: {failure.error}")


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
