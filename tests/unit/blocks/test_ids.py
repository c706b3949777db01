"""Every id comes from Action; values carry a request or thread id, nothing more."""

from __future__ import annotations

from typing import Any

from slack_app.blocks.ids import Action, action_of, pack, pattern, unpack
from tests.orgs import small_directory
from tests.unit.blocks.payloads import build_all
from tests.unit.blocks.samples import THREAD

PAYLOADS = build_all(small_directory())


def ids_in(node: Any) -> list[str]:
    found: list[str] = []
    if isinstance(node, list):
        for value in node:
            found += ids_in(value)
    elif isinstance(node, dict):
        found += [node[k] for k in ("action_id", "block_id", "callback_id") if k in node]
        for value in node.values():
            found += ids_in(value)
    return found


def buttons_in(node: Any) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = []
    if isinstance(node, list):
        for value in node:
            found += buttons_in(value)
    elif isinstance(node, dict):
        if node.get("type") == "button":
            found.append(node)
        for value in node.values():
            found += buttons_in(value)
    return found


def test_every_id_is_an_action() -> None:
    used = {action_of(i) for p in PAYLOADS.values() for i in ids_in(p)}
    assert Action.SUBMIT in used and Action.APPROVE in used and Action.REQUEST_MODAL_LIKE in used


def test_ids_are_unique_within_a_block_and_a_payload() -> None:
    for name, payload in PAYLOADS.items():
        block_ids = [b["block_id"] for b in payload["blocks"] if "block_id" in b]
        assert len(block_ids) == len(set(block_ids)), name
        for block in payload["blocks"]:
            actions = [a for a in ids_in(block.get("elements", [])) if a]
            assert len(actions) == len(set(actions)), (name, block)


def test_button_values_are_request_or_thread_ids() -> None:
    allowed = {THREAD, "AR-1001", "AR-1002", "AR-1003", "AR-1005", "AR-1006", "AR-1009", "AR-1010"}
    allowed.add("tom@t.test")  # a leftover-access alert names the person
    for name, payload in PAYLOADS.items():
        for button in buttons_in(payload):
            if "value" in button:
                assert unpack(button["value"])[0] in allowed, (name, button)


def test_pattern_matches_indexed_ids() -> None:
    assert pattern(Action.CHOOSE_CANDIDATE).match(pack(Action.CHOOSE_CANDIDATE, "0", "2"))
    assert pattern(Action.CHOOSE_CANDIDATE).match("choose_candidate")
    assert not pattern(Action.CANCEL).match("cancelled")
    assert action_of(pack(Action.DECISION, "AR-1")) is Action.DECISION
