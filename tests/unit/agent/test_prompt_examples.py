"""The understanding prompt's examples are valid `Ask`s: the schema the model must fill
and the examples it learns from cannot drift apart."""

from __future__ import annotations

import json

import pytest

from agent.ask import Ask
from agent.prompts import available_versions, load_prompt


def examples(text: str) -> list[tuple[str, str]]:
    """(user line, JSON line) pairs from the prompt's examples."""
    lines = text.splitlines()
    return [
        (line, lines[n + 1])
        for n, line in enumerate(lines[:-1])
        if line.startswith("User:") and lines[n + 1].startswith("{")
    ]


def test_the_latest_prompt_is_v2() -> None:
    assert load_prompt("understand").version == 2
    assert available_versions("understand") == [1, 2]  # v1 kept for eval comparisons


@pytest.mark.parametrize("version", [1, 2])
def test_every_example_is_a_valid_ask(version: int) -> None:
    found = examples(load_prompt("understand", version).text)
    assert len(found) >= 10
    for _, answer in found:
        assert Ask.model_validate(json.loads(answer)).action


def test_v2_teaches_every_action_and_change() -> None:
    asks = [Ask.model_validate_json(a) for _, a in examples(load_prompt("understand", 2).text)]
    actions = {a.action for a in asks}
    assert {"request", "edit", "cancel", "query", "withdraw", "extend", "answer"} <= actions
    ops = {c.op.value for a in asks for c in a.changes}
    assert ops == {
        "add",
        "remove",
        "only",
        "set_end",
        "set_account",
        "set_justification",
        "new_beneficiary",
    }
    queries = {a.query for a in asks if a.query}
    assert queries == {"my_access", "pending", "person_access", "who_approves"}
    assert any(a.ignored_instructions for a in asks) and any(a.justification for a in asks)
    assert not any(a.kind == "revoke" for a in asks if a.action == "edit")
