"""Who may click what: the requester submits, an eligible approver decides, others are
refused privately and the refusal is audited."""

from __future__ import annotations

from domain.model.requests import State
from slack_app.blocks.ids import Action
from tests.scenario.flows import card_for, dm_to, request, requests_of, submit, submitted, updated
from tests.scenario.harness import SlackHarness, button

ALEX, DANA, BEN = "U01ALEX", "U01DANA", "U01BEN"
ALEX_ID, BEN_ID = "alex.meyer@acme.test", "ben.carter@acme.test"


def audit_actions(h: SlackHarness, rid: str | None = None) -> list[tuple[str, str]]:
    with h.runtime.uow() as uow:
        events = uow.audit.for_request(rid) if rid else uow.audit.since(0)
    return [(e.actor, e.action) for e in events]


def test_a_non_approvers_click_is_refused_privately_and_audited(slack: SlackHarness) -> None:
    h = slack
    rid, dana_dm = submitted(h)
    approve = button(dana_dm.payload, Action.APPROVE)
    h.click(BEN, approve, channel="D01BEN", ts="1767225600.999999")
    (refusal,) = h.slack.wait_for("chat.postEphemeral")
    assert refusal == {
        "channel": "D01BEN",
        "user": BEN,
        "text": "You are not an approver of this step.",
    }
    assert (BEN_ID, "decision.refused") in audit_actions(h, rid)
    assert request(h, rid).state is State.SUBMITTED


def test_the_requester_cannot_approve_their_own_request(slack: SlackHarness) -> None:
    h = slack
    rid, dana_dm = submitted(h)
    h.click(ALEX, button(dana_dm.payload, Action.APPROVE), channel="D01ALEX", ts="1.2")
    h.slack.wait_for("chat.postEphemeral")
    assert (ALEX_ID, "decision.refused") in audit_actions(h, rid)
    assert request(h, rid).state is State.SUBMITTED


def test_only_the_requester_can_submit_the_card(slack: SlackHarness) -> None:
    h = slack
    card = card_for(h, ALEX, "github write for 3 days")
    submit(h, DANA, card)
    (refusal,) = h.slack.wait_for("chat.postEphemeral")
    assert refusal["user"] == DANA and "Only the requester" in refusal["text"]
    assert ("dana.kim@acme.test", "submit.refused") in audit_actions(h)
    assert requests_of(h, ALEX_ID) == []


def test_submit_needs_a_reason(slack: SlackHarness) -> None:
    h = slack
    card = card_for(h, ALEX, "github write for 3 days")
    h.click(ALEX, button(card.payload, Action.SUBMIT), channel=card.channel, ts=card.ts)
    (hint,) = h.slack.wait_for("chat.postEphemeral")
    assert "Pick a reason" in hint["text"]
    submit(h, ALEX, card)  # the same card, now with a reason: the click still counts
    updated(h, card, count=2)
    assert len(requests_of(h, ALEX_ID)) == 1


def test_reject_with_a_comment_in_the_modal(slack: SlackHarness) -> None:
    h = slack
    rid, dana_dm = submitted(h)
    h.click(DANA, button(dana_dm.payload, Action.REJECT), channel=dana_dm.channel, ts=dana_dm.ts)
    (opened,) = h.slack.wait_for("views.open")
    assert opened["view"]["callback_id"] == Action.REJECT_MODAL
    comment = {Action.COMMENT: {Action.COMMENT: {"type": "plain_text_input", "value": "Use read"}}}
    response = h.submit_view(DANA, Action.REJECT_MODAL, rid, comment)
    assert response.status_code == 200
    notice = dm_to(h, ALEX, "was rejected")
    assert "Use read" in notice.payload["text"]
    assert "Rejected" in updated(h, dana_dm)["text"]
    assert request(h, rid).state is State.REJECTED


def test_approve_with_changes_shortens_the_access(slack: SlackHarness) -> None:
    h = slack
    rid, dana_dm = submitted(h)
    click = button(dana_dm.payload, Action.APPROVE_WITH_CHANGES)
    h.click(DANA, click, channel=dana_dm.channel, ts=dana_dm.ts)
    (opened,) = h.slack.wait_for("views.open")
    assert opened["view"]["callback_id"] == Action.APPROVE_CHANGES_MODAL
    end = {Action.NEW_END: {Action.NEW_END: {"type": "datepicker", "selected_date": "2026-03-05"}}}
    assert h.submit_view(DANA, Action.APPROVE_CHANGES_MODAL, rid, end).status_code == 200
    dm_to(h, ALEX, "approved with changes")
    decided = request(h, rid)
    assert decided.current_step is not None and decided.current_step.index == 1
    assert decided.end is not None and decided.end.isoformat() == "2026-03-05T23:00:00+00:00"


def test_a_past_end_in_the_changes_modal_is_an_inline_error(slack: SlackHarness) -> None:
    h = slack
    rid, _ = submitted(h)
    end = {Action.NEW_END: {Action.NEW_END: {"type": "datepicker", "selected_date": "2026-03-01"}}}
    response = h.submit_view(DANA, Action.APPROVE_CHANGES_MODAL, rid, end)
    assert response.json() == {
        "response_action": "errors",
        "errors": {"new_end": "Pick a future day."},
    }
    assert request(h, rid).state is State.SUBMITTED


def test_a_newer_card_retires_the_old_one(slack: SlackHarness) -> None:
    h = slack
    old = card_for(h, ALEX, "github write for 3 days")
    new = card_for(h, ALEX, "make it 2 days")
    assert "replaced by a newer one" in updated(h, old, count=2)["text"]
    submit(h, ALEX, old)  # a click that raced the update, on the stale card
    assert "replaced by a newer one" in updated(h, old, count=3)["text"]  # only the note
    assert requests_of(h, ALEX_ID) == []
    submit(h, ALEX, new)
    updated(h, new, count=2)
    assert len(requests_of(h, ALEX_ID)) == 1


def test_every_approvers_copy_is_updated_after_one_decides(slack: SlackHarness) -> None:
    h = slack  # AWS Production: Dana, then Omar or Mia, then Sam or Sue
    rid, dana_dm = submitted(h, "aws production read-only for 3 days")
    h.click(DANA, button(dana_dm.payload, Action.APPROVE), channel=dana_dm.channel, ts=dana_dm.ts)
    omar, mia = dm_to(h, "U01OMAR", rid), dm_to(h, "U01MIA", rid)
    h.click("U01MIA", button(mia.payload, Action.APPROVE), channel=mia.channel, ts=mia.ts)
    for copy in (omar, mia):
        assert "Approved by Mia Hoffmann" in updated(h, copy)["text"]
    dm_to(h, "U01SAM", rid)
    dm_to(h, "U01SUE", rid)


def test_a_non_approver_cannot_even_open_the_reject_modal(slack: SlackHarness) -> None:
    h = slack
    rid, dana_dm = submitted(h)
    h.click(BEN, button(dana_dm.payload, Action.REJECT), channel="D01BEN", ts="1.3")
    (refusal,) = h.slack.wait_for("chat.postEphemeral")
    assert refusal["text"] == "You are not an approver of this step."
    assert h.slack.calls("views.open") == []
    assert (BEN_ID, "decision.refused") in audit_actions(h, rid)
