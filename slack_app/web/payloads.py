"""A signed body read as the Slack payload it claims to be, or refused.

    payload = read(body, content_type)      # Malformed: answer 400 and log why

Slack sends each request URL five kinds of body: Events API callbacks (JSON),
url_verification, slash commands (a form), interactivity (a form whose `payload` is
JSON: block_actions, view_submission, view_closed, block_suggestion) and ssl_check.
Each must fit its shape in `payload_shapes` before Bolt or the inbox see it, so a
listener never meets an `actions` list that is empty, a channel that is a number or an
event that is a string. Reading is total: whatever the bytes, the answer is a payload
or `Malformed`, never another exception.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qsl

from pydantic import ValidationError

from slack_app.web.payload_shapes import (
    KINDS,
    SUBSCRIBED_EVENTS,
    Shape,
    SlashCommand,
    SslCheck,
)

MAX_DEPTH = 64  # Slack's deepest payloads (rich text in a message in an action) nest ~15


class Malformed(Exception):
    """Not a Slack payload this app handles; the message says why (no user text)."""


@dataclass(frozen=True)
class Payload:
    kind: str  # "event_callback", "block_actions", ..., "command" or "ssl_check"
    data: dict[str, Any]
    text: str  # the body as Slack sent it (what the inbox stores and Bolt reads)


def read(body: bytes, content_type: str) -> Payload:
    try:
        text = body.decode("utf-8")
        data = _parse(text, content_type)
    except (UnicodeDecodeError, ValueError, RecursionError) as exc:
        raise Malformed(f"{type(exc).__name__}: {str(exc)[:200]}") from None
    if not isinstance(data, dict) or not data:
        raise Malformed("not a JSON object or form")
    if not nested_within(data, MAX_DEPTH):
        raise Malformed(f"nested deeper than {MAX_DEPTH} levels")
    kind = kind_of(data)
    _check(kind, _shape(kind), data)
    event = SUBSCRIBED_EVENTS.get(data["event"]["type"]) if kind == "event_callback" else None
    if event is not None:
        _check(kind, event, data["event"], where="event.")
    return Payload(kind, data, text)


def _parse(text: str, content_type: str) -> Any:
    if "json" in content_type or text.lstrip().startswith("{"):
        return json.loads(text)
    form = dict(parse_qsl(text, keep_blank_values=True))
    return json.loads(form["payload"]) if "payload" in form else form


def kind_of(data: dict[str, Any]) -> str:
    kind = data.get("type")
    if isinstance(kind, str) and kind in KINDS:
        return kind
    if kind is None and "command" in data:
        return "command"
    if kind is None and "ssl_check" in data:
        return "ssl_check"
    shown = kind[:40] if isinstance(kind, str) else type(kind).__name__
    raise Malformed(f"not a payload this app handles (type {shown!r})")


def _shape(kind: str) -> type[Shape]:
    forms: dict[str, type[Shape]] = {"command": SlashCommand, "ssl_check": SslCheck}
    return forms.get(kind) or KINDS[kind]


def _check(kind: str, shape: type[Shape], data: dict[str, Any], *, where: str = "") -> None:
    try:
        shape.model_validate(data)
    except ValidationError as exc:
        first = exc.errors(include_input=False, include_url=False)[0]
        field = ".".join(str(part) for part in first["loc"])
        raise Malformed(f"{kind}: {where}{field[:100]}: {first['msg']}") from None


def nested_within(value: Any, limit: int) -> bool:
    """Whether `value` nests no deeper than `limit` (iterative: no recursion to exhaust)."""
    stack = [(value, 1)]
    while stack:
        node, depth = stack.pop()
        if depth > limit:
            return False
        children = node.values() if isinstance(node, dict) else node
        stack.extend((c, depth + 1) for c in children if isinstance(c, dict | list))
    return True
