"""The card's tick boxes: all ticked as drawn, and a Submit's state read back only as a
narrowing of the card's own items, whatever the payload says."""

from __future__ import annotations

from typing import Any

from slack_app.blocks.card_items import PER_GROUP, ticked
from slack_app.blocks.confirmation import confirmation_card
from slack_app.blocks.ids import Action, pack
from slack_app.web.payload_shapes import BlockActions
from tests.orgs import small_directory
from tests.unit.blocks.samples import REASONS, THREAD, item, proposal
from tests.unit.blocks.slack_limits import validate_message
from tools.proposal_models import Proposal


def boxes(card: dict[str, Any]) -> list[dict[str, Any]]:
    return [
        e
        for b in card["blocks"]
        if b["type"] == "actions"
        for e in b["elements"]
        if e["type"] == "checkboxes"
    ]


def state(*groups: list[str]) -> dict[str, Any]:
    return {
        pack(Action.CARD_ITEMS, str(n)): {
            Action.CARD_ITEMS: {
                "type": "checkboxes",
                "selected_options": [{"value": v} for v in values],
            }
        }
        for n, values in enumerate(groups)
    }


def many(n: int) -> Proposal:
    p = proposal(small_directory())
    p.items = [
        item(f"app{k}:read", f"App {k} · Read", f"app{k}", f"App {k}", "new") for k in range(n)
    ]
    return p


def test_every_item_is_a_tick_box_and_all_start_ticked() -> None:
    p = proposal(small_directory())
    card = confirmation_card(p, reasons=REASONS, thread=THREAD)
    [group] = boxes(card)
    values = [o["value"] for o in group["options"]]
    assert values == [i.entitlement_id for i in p.items]
    assert group["initial_options"] == group["options"]


def test_more_than_ten_items_go_in_groups_of_ten() -> None:
    card = confirmation_card(many(23), reasons=REASONS, thread=THREAD)
    validate_message(card)
    assert [len(g["options"]) for g in boxes(card)] == [PER_GROUP, PER_GROUP, 3]


def test_privileged_items_are_marked_on_their_box() -> None:
    p = proposal(small_directory())
    p.items[0].privileged = True
    [group] = boxes(confirmation_card(p, reasons=REASONS, thread=THREAD))
    assert "⚠ privileged" in group["options"][0]["text"]["text"]
    assert "privileged" not in group["options"][1]["text"]["text"]


def test_the_ticked_items_are_read_in_card_order() -> None:
    p = proposal(small_directory())
    assert ticked(state(["aws-prod:read-only"]), p) == ["aws-prod:read-only"]
    assert ticked(state(["aws-prod:read-only", "github:write"]), p) == [
        "github:write",
        "aws-prod:read-only",
    ]


def test_nothing_ticked_is_an_empty_list_and_no_boxes_is_none() -> None:
    p = proposal(small_directory())
    assert ticked(state([]), p) == []
    assert ticked({}, p) is None  # a card drawn before the boxes: what it showed


def test_a_forged_state_can_only_narrow_the_card() -> None:
    p = proposal(small_directory())
    forged = state(["github:admin", "salesforce:system-admin", "GITHUB:WRITE"])
    forged[pack(Action.CARD_ITEMS, "7")] = {
        Action.CARD_ITEMS: {"selected_options": [{"value": "okta:admin"}]}
    }
    forged["card_items|x"] = {Action.CARD_ITEMS: {"selected_options": [{"value": "a:b"}]}}
    assert ticked(forged, p) == ["github:write"]


def test_a_group_missing_from_the_state_counts_as_shown() -> None:
    p = many(12)
    only_first = state([f"app{k}:read" for k in range(3)])
    assert ticked(only_first, p) == [f"app{k}:read" for k in range(3)] + [
        "app10:read",
        "app11:read",
    ]


def test_a_tick_toggle_is_a_block_actions_payload_the_gate_accepts() -> None:
    payload = {
        "type": "block_actions",
        "user": {"id": "U1"},
        "channel": {"id": "D1"},
        "container": {"type": "message", "message_ts": "1.2", "channel_id": "D1"},
        "state": {"values": state(["github:write"])},
        "actions": [
            {
                "type": "checkboxes",
                "action_id": Action.CARD_ITEMS,
                "block_id": pack(Action.CARD_ITEMS, "0"),
                "selected_options": [
                    {"value": "github:write", "text": {"type": "mrkdwn", "text": "*GitHub*"}}
                ],
                "action_ts": "1.3",
            }
        ],
    }
    BlockActions.model_validate(payload)


def capped_aws() -> Proposal:
    """GitHub until the card's end (18 Mar); AWS cut to 6 Mar by its own cap."""
    p = proposal(small_directory())
    p.duration.end = "2026-03-18T23:00:00Z"  # type: ignore[union-attr]
    p.items[0].end = "2026-03-18T23:00:00Z"
    p.items[1].end = "2026-03-06T23:00:00Z"
    p.items[1].capped_by = "AWS Production allows at most 2 days"
    p.warnings = []
    return p


def test_an_item_ending_before_the_card_shows_its_end_and_cap() -> None:
    d = small_directory()
    card = confirmation_card(capped_aws(), reasons=REASONS, thread=THREAD, directory=d)
    validate_message(card)
    [group] = boxes(card)
    github, aws = (o["description"]["text"] for o in group["options"])
    assert github == "on alex-m"  # ends with the rest: no end of its own
    assert aws == "on a new account · until end of Fri 6 Mar 2026 (capped)"
    notes = [e["text"] for b in card["blocks"] if b["type"] == "context" for e in b["elements"]]
    assert (
        "AWS Production · Read-only only until end of Fri 6 Mar 2026: "
        "AWS Production allows at most 2 days." in notes
    )


def test_the_cap_note_is_not_said_twice_when_a_warning_names_it() -> None:
    p = capped_aws()
    p.warnings = ["AWS Production allows at most 2 days, so AWS Production · Read-only ends …"]
    card = confirmation_card(p, reasons=REASONS, thread=THREAD, directory=small_directory())
    text = str(card["blocks"])
    assert text.count("AWS Production allows at most 2 days") == 1


def test_the_line_that_says_what_changed_heads_the_card() -> None:
    p = proposal(small_directory())
    card = confirmation_card(p, reasons=REASONS, thread=THREAD, changed="Removed <Snowflake>.")
    assert card["blocks"][1] == {
        "type": "section",
        "text": {"type": "mrkdwn", "text": "✏️ Removed &lt;Snowflake&gt;."},
    }


def test_the_justification_is_on_the_card_even_without_org_reasons() -> None:
    p = proposal(small_directory())
    card = confirmation_card(p, reasons=[], thread=THREAD)
    assert "In your words: “payments migration" in str(card["blocks"])
