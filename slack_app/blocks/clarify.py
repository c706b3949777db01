"""The clarification message: what still needs the user, with their choices as controls.

A single-choice problem shows up to 5 buttons, else a select of up to 100 options,
else an external select the options listener fills from a search. A multi-choice
problem shows checkboxes (up to 10) or a multi-select, with "Use selected" and
"All of them". The block_id `choices|<n>|<thread>|<slot>` tells every listener which
conversation and slot the answer belongs to; option values are candidate ids, button
values `<thread>|<slot>[|<candidate id>]`.
"""

from __future__ import annotations

from typing import Any

from agent.phrasing import question_text
from slack_app.blocks.escape import mrkdwn
from slack_app.blocks.ids import Action, pack
from slack_app.blocks.kit import (
    MAX_OPTIONS,
    Block,
    actions,
    button,
    context,
    message,
    option,
    plain,
    section,
)

MAX_BUTTONS = 5
MAX_CHECKBOXES = 10
MAX_PROBLEMS = 10  # 3 blocks each, within a message's 50


def clarification(problems: list[dict[str, Any]], *, thread: str) -> Block:
    blocks: list[Block] = []
    for n, problem in enumerate(problems[:MAX_PROBLEMS]):
        blocks += _problem(n, problem, thread)
    if len(problems) > MAX_PROBLEMS:
        blocks.append(context(f"…and {len(problems) - MAX_PROBLEMS} more questions"))
    blocks.append(context("You can also just reply in words."))
    return message(blocks, question_text(problems))


def _problem(n: int, problem: dict[str, Any], thread: str) -> list[Block]:
    choices: list[dict[str, Any]] = problem.get("choices") or []
    slot = str(problem.get("slot") or "")
    text = mrkdwn(str(problem.get("message", "")))
    block_id = pack(Action.CHOICES, str(n), thread, slot)
    if not choices:
        return [section(text)]
    if problem.get("multiple"):
        picker = _checkboxes(choices) if len(choices) <= MAX_CHECKBOXES else _select(choices, True)
        return [
            section(text, accessory=picker, block_id=block_id),
            actions(
                button("Use selected", Action.CHOOSE_SELECTED, pack(thread, slot), style="primary"),
                button("All of them", Action.CHOOSE_ALL, pack(thread, slot)),
            ),
        ]
    if len(choices) > MAX_BUTTONS:
        return [section(text, accessory=_select(choices, False), block_id=block_id)]
    buttons = [
        button(
            _label(c), pack(Action.CHOOSE_CANDIDATE, str(n), str(k)), pack(thread, slot, c["id"])
        )
        for k, c in enumerate(choices)
    ]
    return [section(text), actions(*buttons, block_id=block_id)]


def _checkboxes(choices: list[dict[str, Any]]) -> Block:
    return {
        "type": "checkboxes",
        "action_id": Action.CHOOSE_CANDIDATE,
        "options": [option(_label(c), str(c["id"])) for c in choices],
    }


def _select(choices: list[dict[str, Any]], multiple: bool) -> Block:
    prefix = "multi_" if multiple else ""
    if len(choices) > MAX_OPTIONS:
        return {
            "type": f"{prefix}external_select",
            "action_id": Action.CHOOSE_CANDIDATE,
            "placeholder": plain(f"Type to search {len(choices)} choices…"),
            "min_query_length": 1,
        }
    return {
        "type": f"{prefix}static_select",
        "action_id": Action.CHOOSE_CANDIDATE,
        "placeholder": plain("Choose…"),
        "options": [option(_label(c), str(c["id"])) for c in choices],
    }


def _label(choice: dict[str, Any]) -> str:
    detail = choice.get("detail")
    return f"{choice['label']} ({detail})" if detail else str(choice["label"])
