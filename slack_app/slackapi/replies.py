"""The agent's replies as DM payloads: pure functions over the Block Kit builders.

A proposal becomes the confirmation card (headed by the one line saying what the last
message changed on it, when it changed one), a question the clarification message, and
anything else (a refusal, a plain answer) mrkdwn-escaped text. Notices the agent
raised on the turn are appended as context lines, within Slack's block limit.
"""

from __future__ import annotations

from agent.runner import Reply
from domain.model.directory import Directory
from slack_app.blocks.clarify import clarification
from slack_app.blocks.confirmation import confirmation_card
from slack_app.blocks.escape import mrkdwn
from slack_app.blocks.ids import Action
from slack_app.blocks.kit import MAX_MESSAGE_BLOCKS, Block, context, lines_block, message
from slack_app.services.changed import changed_line

MAX_TEXT_BLOCKS = 40
MAX_NOTICES = 5
THINKING = "Thinking…"
SUPERSEDED = "This card was replaced by a newer one below."
FAILED = "Sorry, something went wrong on my side and nothing was changed. Please try again."


def thinking() -> Block:
    return message([context(f"_{THINKING}_")], THINKING)


def text(body: str) -> Block:
    """Plain words, shown as typed (escaped), split to fit Slack's section limit."""
    lines = [mrkdwn(line) for line in body.splitlines()] or [" "]
    return message(lines_block(lines, max_blocks=MAX_TEXT_BLOCKS), body)


def is_card(payload: Block) -> bool:
    """A confirmation card (it has the Submit button)."""
    return any(
        e.get("action_id") == Action.SUBMIT
        for b in payload.get("blocks", [])
        for e in b.get("elements", [])
    )


def for_reply(
    reply: Reply, *, reasons: list[str], thread: str, directory: Directory | None = None
) -> Block:
    """`directory` adds the approvers' titles to the card's "who should review" selects."""
    if reply.kind == "proposal" and reply.proposal is not None:
        payload = confirmation_card(
            reply.proposal,
            reasons=reasons,
            thread=thread,
            directory=directory,
            changed=changed_line(reply),
        )
    elif reply.kind == "clarify" and reply.problems:
        payload = clarification(reply.problems, thread=thread)
    else:
        payload = text(reply.text)
    return with_notices(payload, reply.notices)


def with_notices(payload: Block, notices: list[str]) -> Block:
    """Notices go above a trailing actions block (the card's buttons stay last and kept)."""
    if not notices:
        return payload
    notes = [context(f"ℹ️ {mrkdwn(n)}") for n in notices[:MAX_NOTICES]]
    body: list[Block] = list(payload["blocks"])
    tail = [body.pop()] if body and body[-1].get("type") == "actions" else []
    body = body[: MAX_MESSAGE_BLOCKS - len(notes) - len(tail)]
    return {**payload, "blocks": [*body, *notes, *tail]}
