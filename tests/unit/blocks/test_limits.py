"""Every payload passes slack_sdk's models and Slack's limits, however big the input."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

from domain.model.requests import RequestItem
from slack_app.blocks import approvals, clarify, confirmation, home, notices
from slack_app.blocks.request_form import STEPS, AccountChoice, Choice, RequestForm, Step
from slack_app.blocks.request_modal import request_modal
from tests.orgs import small_directory
from tests.unit.blocks.payloads import build_all, problems
from tests.unit.blocks.sample_requests import request, requests, step
from tests.unit.blocks.samples import REASONS, THREAD, item, privileged_proposal
from tests.unit.blocks.slack_limits import validate

D = small_directory()
PAYLOADS = build_all(D)
LONG = "Very Long Name " * 30


@pytest.mark.parametrize("name", sorted(PAYLOADS))
def test_every_payload_is_valid(name: str) -> None:
    validate(PAYLOADS[name])


@pytest.mark.parametrize(
    "name", sorted(n for n, p in PAYLOADS.items() if "blocks" in p and "type" not in p)
)
def test_every_message_has_fallback_text(name: str) -> None:
    assert PAYLOADS[name]["text"].strip()


def test_sixty_item_proposal_stays_within_limits() -> None:
    p = privileged_proposal(D)
    p.items = [
        item(
            f"app{n}:ent{n}",
            f"{LONG} {n}",
            f"app{n}",
            LONG,
            f"app{n}:{LONG}",
            privileged=n % 2 == 0,
        )
        for n in range(60)
    ]
    p.warnings = [f"{LONG} warning {n}" for n in range(60)]
    p.routes = p.routes * 60
    card = confirmation.confirmation_card(
        p, reasons=[f"{LONG}{n}" for n in range(150)], thread=THREAD
    )
    validate(card)
    assert len(card["blocks"]) <= 50
    text = " ".join(b.get("text", {}).get("text", "") for b in card["blocks"])
    assert "…and" in text or any(
        "…and" in e["text"] for b in card["blocks"] if b["type"] == "context" for e in b["elements"]
    )


def sixty_item_request() -> Any:
    items = [
        RequestItem(
            entitlement_id=f"app{n}:{LONG}{n}", app_id=f"app{n}", identity_id=f"app{n}:{LONG}"
        )
        for n in range(60)
    ]
    steps = [step(n, "manager", ["ceo@t.test", "omar@t.test"] * 10) for n in range(10)]
    return request("AR-" + "9" * 40, items, steps, comment=LONG * 10, reason=LONG)


def test_sixty_item_request_in_every_request_surface() -> None:
    r = sixty_item_request()
    payloads = [
        approvals.approver_dm(r, D, step_index=3),
        approvals.decided_dm(r, D),
        approvals.approve_changes_modal(r, D),
        approvals.reject_modal(r),
        notices.submitted(r, D),
        notices.failed(r, D),
        confirmation.receipt([r] * 60, D),
        home.home_view(D.people["alex@t.test"], D, awaiting=[r], mine=[r], temporary=[r]),
    ]
    for payload in payloads:
        validate(payload)


def test_home_truncates_long_lists() -> None:
    r = requests()
    view = home.home_view(
        D.people["dana@t.test"],
        D,
        awaiting=[r["submitted"]] * 40,
        mine=[r["privileged"]] * 40,
        temporary=[r["granted"]] * 40,
    )
    validate(view)
    assert len(view["blocks"]) <= 100
    more = [e["text"] for b in view["blocks"] if b["type"] == "context" for e in b["elements"]]
    assert "…and 25 more" in more and "…and 20 more" in more


def test_clarification_controls_by_number_of_choices() -> None:
    msg = clarify.clarification(problems(), thread=THREAD)
    validate(msg)
    kinds = [
        b.get("accessory", {}).get("type") or [e["type"] for e in b.get("elements", [])]
        for b in msg["blocks"]
    ]
    assert kinds[1] == ["button"] * 3  # 3 people: buttons
    assert kinds[2] == "checkboxes" and kinds[3] == ["button", "button"]  # multi: Use / All
    assert kinds[4] == "static_select" and kinds[5] == "external_select"


def test_many_problems_and_many_choices() -> None:
    many = problems() * 12
    validate(clarify.clarification(many, thread=THREAD))
    big = [
        {
            "slot": "entitlements",
            "message": LONG,
            "multiple": True,
            "choices": [{"id": f"e{n}", "label": LONG, "detail": LONG} for n in range(60)],
        }
    ]
    msg = clarify.clarification(big, thread=THREAD)
    validate(msg)
    assert msg["blocks"][0]["accessory"]["type"] == "multi_static_select"


@pytest.mark.parametrize("step_name", STEPS)
def test_request_modal_with_big_lists(step_name: Step) -> None:
    many = [Choice(f"id{n}", f"{LONG}{n}", LONG) for n in range(250)]
    form = RequestForm(
        metadata=THREAD * 200,
        references=many,
        reference=many[0],
        grants=many,
        chosen_grants=["id1"],
        reasons=[c.label for c in many],
        permanent=True,
        end_date="2026-03-18",
        error=LONG * 20,
    )
    view = request_modal(step_name, form)
    validate(view)
    assert len(view["private_metadata"]) <= 3000


def test_request_modal_custom_and_small_lists() -> None:
    form = RequestForm(access_like="custom", reasons=REASONS, permanent=True)
    for name in STEPS:
        validate(request_modal(name, form))
    few = RequestForm(access_like="role", references=[Choice("oncall", "Backend on-call")])
    assert request_modal("like", few)["blocks"][2]["element"]["type"] == "static_select"
    duration = request_modal("duration", form)
    assert [b["block_id"] for b in duration["blocks"] if b["type"] == "input"] == [
        "duration_kind",
        "reason_select",
        "comment",
    ]


def test_dates_are_in_the_org_time_zone() -> None:
    r = request("AR-1", [], [], end=datetime(2026, 3, 5, 3, 0, tzinfo=UTC))
    r.items = requests()["submitted"].items
    text = notices.granted(r, D)["blocks"][0]["text"]["text"]
    assert "until Thu 5 Mar 2026 at 04:00" in text


def test_empty_lists_never_make_empty_selects() -> None:
    validate(confirmation.confirmation_card(privileged_proposal(D), reasons=[], thread=THREAD))
    form = RequestForm(accounts=[AccountChoice("hooks", "Hooks", [])], reasons=[])
    validate(request_modal("identities", form))
    validate(request_modal("duration", form))
