"""The card's "who should review" selects: where they appear, what they offer, and that
any number of steps and approvers stays within Block Kit's limits."""

from __future__ import annotations

from typing import Any

from slack_app.blocks import confirmation
from slack_app.blocks.approver_picks import ANYONE, MAX_PICKERS, approver_options
from slack_app.blocks.ids import Action, action_of
from slack_app.slackapi.replies import with_notices
from tests.orgs import small_directory
from tests.unit.blocks.samples import REASONS, THREAD, pick_proposal, privileged_proposal
from tests.unit.blocks.slack_limits import validate
from tools.approvers import Step

D = small_directory()


def pickers(card: dict[str, Any]) -> list[dict[str, Any]]:
    return [
        b for b in card["blocks"] if b.get("block_id", "").startswith(Action.PICK_APPROVER + "|")
    ]


def test_only_steps_with_several_approvers_get_a_select() -> None:
    card = confirmation.confirmation_card(
        privileged_proposal(D), reasons=REASONS, thread=THREAD, directory=D
    )
    validate(card)
    (picker,) = pickers(card)  # manager and app owner have one approver each
    select = picker["accessory"]
    assert picker["block_id"] == select["action_id"] == "pick_approver|0|2"
    assert action_of(select["action_id"]) is Action.PICK_APPROVER
    assert picker["text"]["text"] == "*Who should review step 3 (security group)?*"
    assert select["type"] == "static_select"
    assert [(o["text"]["text"], o["value"]) for o in select["options"]] == [
        ("Anyone eligible (notify all)", ANYONE),
        ("Sam Ortiz, Security Engineer", "sam@t.test"),
        ("Omar Haddad, Platform Lead", "omar@t.test"),
    ]
    assert select["initial_option"] == select["options"][0]  # notify all unless picked


def test_a_select_per_multi_approver_step_of_each_route() -> None:
    card = confirmation.confirmation_card(
        pick_proposal(D), reasons=REASONS, thread=THREAD, directory=D
    )
    ids = [b["block_id"] for b in pickers(card)]
    assert ids == ["pick_approver|0|1", "pick_approver|1|1"]
    assert "_For GitHub · Write_" in pickers(card)[0]["text"]["text"]
    assert card["blocks"][-1]["block_id"] == Action.CONFIRM_ACTIONS


def test_without_the_directory_options_show_names_only() -> None:
    card = confirmation.confirmation_card(privileged_proposal(D), reasons=REASONS, thread=THREAD)
    labels = [o["text"]["text"] for o in pickers(card)[0]["accessory"]["options"]]
    assert labels[1:] == ["Sam Ortiz", "Omar Haddad"]


def crowd(n: int) -> Step:
    ids = [f"person{k}@t.test" for k in range(n)]
    return Step(rule="group:everyone", approvers=ids, approver_names=[f"P {k}" for k in ids])


def test_more_than_a_static_select_holds_becomes_an_external_select() -> None:
    p = privileged_proposal(D)
    p.routes[0].steps[2] = crowd(99)  # 99 + "anyone" = 100 options: still static
    p.routes[0].steps.append(crowd(100))
    card = confirmation.confirmation_card(p, reasons=REASONS, thread=THREAD, directory=D)
    validate(card)
    static, external = (b["accessory"] for b in pickers(card))
    assert static["type"] == "static_select" and len(static["options"]) == 100
    assert external["type"] == "external_select" and "options" not in external
    assert external["initial_option"]["value"] == ANYONE


def test_type_ahead_offers_anyone_then_the_matching_approvers() -> None:
    p = privileged_proposal(D)
    p.routes[0].steps[2] = crowd(150)
    found = approver_options(p, 0, 2, query="person14", directory=D)
    assert [o["value"] for o in found][:3] == [ANYONE, "person14@t.test", "person140@t.test"]
    assert len(found) == 12
    assert len(approver_options(p, 0, 2, query="", directory=D)) == 100
    assert approver_options(p, 3, 0, query="", directory=D) == []  # no such step: nothing


def test_many_steps_are_capped_and_the_buttons_stay_last() -> None:
    p = privileged_proposal(D)
    p.routes = p.routes * 30  # 30 routes, a multi-approver step in each
    card = confirmation.confirmation_card(p, reasons=REASONS, thread=THREAD, directory=D)
    card = with_notices(card, [f"notice {n}" for n in range(5)])
    validate(card)
    assert len(pickers(card)) == MAX_PICKERS
    more = [e["text"] for b in card["blocks"] if b["type"] == "context" for e in b["elements"]]
    assert f"…and {30 - MAX_PICKERS} more steps: all their approvers" in more
    assert len(card["blocks"]) <= 50
    assert card["blocks"][-1]["block_id"] == Action.CONFIRM_ACTIONS
