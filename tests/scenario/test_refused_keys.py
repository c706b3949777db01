"""A refused or failed attempt never uses up its idempotency key (architecture rule 6).

Each test makes an attempt the app refuses (or cannot carry out), then the valid one,
through signed Slack requests to the real app: the valid one must still count.
"""

from __future__ import annotations

from typing import Any

from domain.model.requests import State
from domain.usecases.submission import cancel
from domain.usecases.submission import submit as submit_draft
from slack_app.blocks.ids import Action
from slack_app.listeners.deps import SlackDeps
from slack_app.listeners.edge import conversation
from slack_app.services.requests import draft_from
from slack_app.slackapi.retry import ATTEMPTS
from slack_app.testing.slack_api import TEAM
from tests.scenario.flows import (
    Message,
    card_for,
    dm_to,
    request,
    requests_of,
    submit,
    submitted,
    updated,
)
from tests.scenario.harness import SlackHarness, button
from tools.proposal_models import Proposal

ALEX, DANA = "U01ALEX", "U01DANA"
ALEX_ID, DANA_ID = "alex.meyer@acme.test", "dana.kim@acme.test"


def new_end(day: str) -> dict[str, Any]:
    return {Action.NEW_END: {Action.NEW_END: {"type": "datepicker", "selected_date": day}}}


def audit(h: SlackHarness, rid: str) -> list[tuple[str, str]]:
    with h.runtime.uow() as uow:
        return [(e.actor, e.action) for e in uow.audit.for_request(rid)]


def test_a_refused_change_does_not_lock_the_approver_out(slack: SlackHarness) -> None:
    h = slack
    rid, dana_dm = submitted(h)  # github write for 3 days: ends after 2026-03-07
    later = h.submit_view(DANA, Action.APPROVE_CHANGES_MODAL, rid, new_end("2026-03-20"))
    assert later.status_code == 200
    dm_to(h, DANA, "shorten access, not extend it")
    assert request(h, rid).current_step.index == 0  # type: ignore[union-attr]

    valid = h.submit_view(DANA, Action.APPROVE_CHANGES_MODAL, rid, new_end("2026-03-05"))
    assert valid.status_code == 200
    dm_to(h, ALEX, "approved with changes")
    decided = request(h, rid)
    assert decided.steps[0].decided_by == DANA_ID
    assert decided.end is not None and decided.end.isoformat() == "2026-03-05T23:00:00+00:00"
    assert "Approved" in updated(h, dana_dm)["text"]

    h.click(DANA, button(dana_dm.payload, Action.APPROVE), channel=dana_dm.channel, ts=dana_dm.ts)
    said = h.slack.wait_for("chat.postEphemeral")[-1]
    assert said["text"] == f"You already decided your step of {rid}."
    assert audit(h, rid).count((DANA_ID, "step.approved")) == 1
    assert request(h, rid).current_step.index == 1  # type: ignore[union-attr]


def test_after_a_refused_change_a_plain_approve_decides(slack: SlackHarness) -> None:
    h = slack
    rid, dana_dm = submitted(h)
    h.submit_view(DANA, Action.APPROVE_CHANGES_MODAL, rid, new_end("2026-03-20"))
    dm_to(h, DANA, "shorten access, not extend it")
    h.click(DANA, button(dana_dm.payload, Action.APPROVE), channel=dana_dm.channel, ts=dana_dm.ts)
    assert "Approved" in updated(h, dana_dm)["text"]
    assert audit(h, rid).count((DANA_ID, "step.approved")) == 1


def the_same_access_elsewhere(h: SlackHarness, card: Message) -> str:
    """Alex submits what the card shows from another conversation: an open request
    for the same access, which the domain refuses to duplicate."""
    deps: SlackDeps = h.http.app.state.deps  # type: ignore[attr-defined]
    shown = deps.runner.state(conversation(TEAM, card.channel))["proposal"]
    (made,) = submit_draft(
        uow=h.runtime.uow(),
        directory=h.runtime.directory(),
        draft=draft_from(Proposal.model_validate(shown), reason="New project"),
        actor=ALEX_ID,
        clock=h.runtime.clock,
    )
    return made.id


def test_a_submit_the_domain_refused_can_be_clicked_again(slack: SlackHarness) -> None:
    h = slack
    card = card_for(h, ALEX, "github write for 3 days")
    other = the_same_access_elsewhere(h, card)
    submit(h, ALEX, card)
    refusal = h.slack.wait_for("chat.postEphemeral")[-1]
    assert refusal["text"].startswith("Not submitted:") and "open request" in refusal["text"]
    cancel(uow=h.runtime.uow(), request_id=other, actor=ALEX_ID, clock=h.runtime.clock)

    submit(h, ALEX, card)  # the same card, now that nothing conflicts
    assert "Submitted" in updated(h, card, count=2)["text"]
    made = [r for r in requests_of(h, ALEX_ID) if r.state is State.SUBMITTED]
    assert len(made) == 1 and made[0].id != other
    dm_to(h, DANA, made[0].id)


def test_a_reminder_nobody_received_can_be_sent_again(slack: SlackHarness) -> None:
    h = slack
    rid, _ = submitted(h)
    for _ in range(ATTEMPTS):  # every try of the reminder to Dana fails: Slack is down
        h.slack.fail_once("chat.postMessage", status=503, retry_after=None)
    h.home_click(ALEX, Action.REMIND, rid)
    dm_to(h, ALEX, "Could not reach")
    h.home_click(ALEX, Action.REMIND, rid)  # the day's one reminder was not used up
    dm_to(h, DANA, rid, count=2)
    dm_to(h, ALEX, "Reminded Dana Kim")
