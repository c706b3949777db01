"""Checks a payload the way Slack would: slack_sdk models plus the limits they skip.

`Block.validate_json()` checks a block's own fields, not its elements', so `validate`
walks every parsed model and every option dict, then asserts the limits the brief
names (button/option text 75, header 150, section 3,000, 100 options, ids 255).
"""

from __future__ import annotations

from typing import Any

from slack_sdk.models.basic_objects import JsonObject
from slack_sdk.models.blocks import Block, Option
from slack_sdk.models.views import View

from slack_app.blocks.ids import action_of


def _walk_models(obj: Any) -> None:
    if isinstance(obj, JsonObject):
        obj.validate_json()
        for value in vars(obj).values():
            _walk_models(value)
    elif isinstance(obj, list):
        for value in obj:
            _walk_models(value)
    elif isinstance(obj, dict):
        if "value" in obj and "text" in obj:
            Option(**obj).validate_json()
        for value in obj.values():
            _walk_models(value)


def _check_limits(node: Any, parent: str = "") -> None:
    if isinstance(node, list):
        for value in node:
            _check_limits(value, parent)
        return
    if not isinstance(node, dict):
        return
    kind = node.get("type")
    if kind == "button":
        assert len(node["text"]["text"]) <= 75
        assert len(node.get("value", "")) <= 2000
    if kind == "header":
        assert len(node["text"]["text"]) <= 150
    if kind == "section" and "text" in node:
        assert len(node["text"]["text"]) <= 3000
    if kind == "context":
        assert len(node["elements"]) <= 10
    if "options" in node:
        assert len(node["options"]) <= 100
    if "value" in node and "text" in node and kind is None:  # an option
        assert len(node["text"]["text"]) <= 75 and len(node["value"]) <= 150
    for key in ("action_id", "block_id", "callback_id"):
        if key in node:
            assert len(node[key]) <= 255
            action_of(node[key])  # every id comes from Action
    for key, value in node.items():
        _check_limits(value, key)


def validate_block(block: dict[str, Any]) -> None:
    parsed = Block.parse(block)
    assert parsed is not None, f"unknown block {block.get('type')}"
    _walk_models(parsed)
    _check_limits(block)


def validate_message(payload: dict[str, Any]) -> None:
    assert payload["text"].strip(), "every message needs fallback text"
    assert 0 < len(payload["blocks"]) <= 50
    for block in payload["blocks"]:
        validate_block(block)


def validate_view(view: dict[str, Any]) -> None:
    View(**view).validate_json()
    assert 0 < len(view["blocks"]) <= 100
    for block in view["blocks"]:
        validate_block(block)
    for key in ("callback_id",):
        if key in view:
            action_of(view[key])


def validate(payload: dict[str, Any]) -> None:
    if payload.get("type") in ("modal", "home"):
        validate_view(payload)
    else:
        validate_message(payload)


def mrkdwn_texts(node: Any) -> list[str]:
    """Every mrkdwn string in a payload, plus a message's fallback text."""
    found: list[str] = []
    if isinstance(node, list):
        for value in node:
            found += mrkdwn_texts(value)
    elif isinstance(node, dict):
        if node.get("type") == "mrkdwn":
            found.append(node["text"])
        if isinstance(node.get("text"), str) and "blocks" in node:
            found.append(node["text"])
        for value in node.values():
            found += mrkdwn_texts(value)
    return found
