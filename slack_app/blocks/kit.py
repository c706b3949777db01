"""Small Block Kit constructors that keep Slack's limits by construction.

Text passed to `md`/`section`/`context` must already be mrkdwn-safe (see escape.mrkdwn);
text passed to `plain`, `button`, `option` and `header` is shown as typed and only cut.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from slack_app.blocks.escape import clip, mrkdwn

Block = dict[str, Any]

MAX_MESSAGE_BLOCKS = 50
MAX_VIEW_BLOCKS = 100
MAX_TEXT = 3000
MAX_FIELD = 2000
MAX_LABEL = 75
MAX_HEADER = 150
MAX_OPTIONS = 100
MAX_OPTION_VALUE = 150
MAX_CONTEXT_ELEMENTS = 10
MAX_VIEW_TITLE = 24


def plain(text: str, limit: int = MAX_LABEL) -> Block:
    return {"type": "plain_text", "text": clip(text, limit) or " ", "emoji": True}


def md(text: str, limit: int = MAX_TEXT) -> Block:
    return {"type": "mrkdwn", "text": clip(text, limit) or " "}


def header(text: str) -> Block:
    return {"type": "header", "text": plain(text, MAX_HEADER)}


def section(text: str, *, accessory: Block | None = None, block_id: str | None = None) -> Block:
    block: Block = {"type": "section", "text": md(text)}
    if accessory is not None:
        block["accessory"] = accessory
    if block_id is not None:
        block["block_id"] = block_id
    return block


def fields(pairs: Sequence[tuple[str, str]]) -> Block:
    """A two-column section: (title, mrkdwn-safe value) pairs, at most 10."""
    return {
        "type": "section",
        "fields": [md(f"*{title}*\n{value}", MAX_FIELD) for title, value in pairs[:10]],
    }


def context(*texts: str) -> Block:
    return {"type": "context", "elements": [md(t) for t in texts[:MAX_CONTEXT_ELEMENTS]]}


def divider() -> Block:
    return {"type": "divider"}


def confirm(title: str, text: str, *, yes: str, no: str = "Go back") -> Block:
    return {
        "title": plain(title, 100),
        "text": md(text, 300),
        "confirm": plain(yes, 30),
        "deny": plain(no, 30),
    }


def button(
    text: str,
    action_id: str,
    value: str | None = None,
    *,
    style: str | None = None,
    ask: Block | None = None,
) -> Block:
    element: Block = {"type": "button", "text": plain(text), "action_id": action_id}
    if value is not None:
        element["value"] = value[:2000]
    if style is not None:
        element["style"] = style
    if ask is not None:
        element["confirm"] = ask
    return element


def actions(*elements: Block, block_id: str | None = None) -> Block:
    block: Block = {"type": "actions", "elements": list(elements[:25])}
    if block_id is not None:
        block["block_id"] = block_id[:255]
    return block


def option(label: str, value: str, description: str = "") -> Block:
    opt: Block = {"text": plain(label), "value": value[:MAX_OPTION_VALUE]}
    if description:
        opt["description"] = plain(description)
    return opt


def message(blocks: list[Block], text: str) -> Block:
    """A message payload: blocks within Slack's 50 and an escaped notification text."""
    return {"text": clip(mrkdwn(text), MAX_TEXT), "blocks": blocks[:MAX_MESSAGE_BLOCKS]}


def lines_block(lines: Sequence[str], *, max_blocks: int, more: str = "more") -> list[Block]:
    """mrkdwn `lines` packed into as few sections as fit 3,000 characters each.

    At most `max_blocks` blocks: past that, the rest collapse into one "…and N more" line.
    """
    blocks: list[Block] = []
    chunk: list[str] = []
    size = 0
    for n, raw in enumerate(lines):
        line = clip(raw, MAX_TEXT)
        if chunk and size + len(line) + 1 > MAX_TEXT:
            if len(blocks) + 2 >= max_blocks:
                return [*blocks, section("\n".join(chunk)), and_more(len(lines) - n, more)]
            blocks.append(section("\n".join(chunk)))
            chunk, size = [], 0
        chunk.append(line)
        size += len(line) + 1
    if chunk:
        blocks.append(section("\n".join(chunk)))
    return blocks


def and_more(count: int, what: str = "more") -> Block:
    return context(f"…and {count} {what}")


def input_block(
    block_id: str, label: str, element: Block, *, optional: bool = False, hint: str = ""
) -> Block:
    """A modal input; the element's action_id is expected to equal `block_id`."""
    block: Block = {
        "type": "input",
        "block_id": block_id[:255],
        "optional": optional,
        "label": plain(label, 2000),
        "element": element,
    }
    if hint:
        block["hint"] = plain(hint, 2000)
    return block


def text_input(action: str, label: str, *, optional: bool, hint: str = "") -> Block:
    element = {
        "type": "plain_text_input",
        "action_id": action,
        "multiline": True,
        "max_length": 2000,
    }
    return input_block(action, label, element, optional=optional, hint=hint)


def modal(
    callback_id: str,
    title: str,
    blocks: list[Block],
    *,
    submit: str | None = None,
    private_metadata: str = "",
) -> Block:
    view: Block = {
        "type": "modal",
        "callback_id": callback_id,
        "title": plain(title, MAX_VIEW_TITLE),
        "close": plain("Cancel" if submit else "Close", MAX_VIEW_TITLE),
        "blocks": blocks[:MAX_VIEW_BLOCKS],
    }
    if submit:
        view["submit"] = plain(submit, MAX_VIEW_TITLE)
    if private_metadata:
        view["private_metadata"] = private_metadata[:3000]
    return view
