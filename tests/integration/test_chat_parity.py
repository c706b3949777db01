"""The local chat does what Slack does: the card's tick boxes (/drop, /keep), the
requester's notices (approved, rejected with the comment, granted, ends soon, ended)
and the approver's "approve with changes" (/approve-changes)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from domain.model.requests import AccessRequest, State
from domain.ports import FixedClock
from slack_app.agent_wiring import build_runner
from slack_app.blocks.approvals import approver_dm
from slack_app.blocks.confirmation import receipt
from slack_app.bootstrap import build_runtime
from slack_app.chat.session import HELP, ChatSession
from slack_app.services.requests import submit_proposal
from slack_app.services.ticks import keep_ticked
from slack_app.settings import Settings

NOW = datetime(2026, 3, 4, 15, 0, tzinfo=UTC)  # Wednesday 16:00 in Berlin
ALEX = "alex.meyer@acme.test"
THREE = "github write and datadog standard and aws production read-only for 3 weeks"


@pytest.fixture
def chat(tmp_path: Path) -> tuple[ChatSession, list[str]]:
    settings = Settings(database_url=f"sqlite:///{tmp_path / 'app.db'}", model="offline")
    runtime = build_runtime(settings, clock=FixedClock(NOW))
    said: list[str] = []
    return ChatSession(runtime, build_runner(runtime), ALEX, said.append), said


def run(session: ChatSession, said: list[str], *lines: str) -> str:
    start = len(said)
    for line in lines:
        assert session.handle(line)
    return "\n".join(said[start:])


def mine(session: ChatSession) -> list[AccessRequest]:
    with session.runtime.uow() as uow:
        return uow.requests.by_requester(ALEX)


def granted_datadog(session: ChatSession, said: list[str]) -> AccessRequest:
    run(session, said, "datadog standard for 3 days for the payments migration", "/submit 1")
    run(session, said, "/as dana.kim@acme.test", "/approve")
    [request] = mine(session)
    owner = session.runtime.directory().apps["datadog"].owners[0]
    out = run(session, said, f"/as {owner}", "/done")
    assert "→ to Alex Meyer (alex.meyer@acme.test):" in out and "Access granted" in out
    [request] = mine(session)
    assert request.state is State.FULFILLED
    return request


def test_the_card_is_numbered_with_tick_boxes_and_drop_keep_untick(
    chat: tuple[ChatSession, list[str]],
) -> None:
    session, said = chat
    out = run(session, said, THREE)
    assert "[x] 1. GitHub · Write on alex-m" in out and "[x] 3. AWS Production" in out
    out = run(session, said, "/drop 2")
    assert "[ ] 2. Datadog · Standard" in out and "[x] 1. GitHub" in out
    out = run(session, said, "/keep 2")
    assert "[x] 2. Datadog" in out and "[ ] 1. GitHub" in out and "[ ] 3. AWS" in out
    out = run(session, said, "/keep all")
    assert "[ ]" not in out
    out = run(session, said, "/drop 7")
    assert "Which items?" in out


def test_an_untick_survives_a_typed_change(chat: tuple[ChatSession, list[str]]) -> None:
    """No change is silent: "make it 3 days" does not tick Datadog again."""
    session, said = chat
    run(session, said, THREE, "/drop 2")
    out = run(session, said, "make it 3 days")
    assert "[ ] 2. Datadog · Standard" in out and "[x] 1. GitHub" in out
    assert "[x] 3. AWS Production" in out
    out = run(session, said, "/submit 1")
    assert "✓ Submitted" in out
    assert all(i.entitlement_id != "datadog:standard" for r in mine(session) for i in r.items)
    assert [r for r in mine(session) if r.items]


def test_an_item_with_its_own_end_shows_it_and_its_cap(
    chat: tuple[ChatSession, list[str]],
) -> None:
    session, said = chat
    out = run(session, said, THREE)
    aws = out.split("3. AWS Production", 1)[1].splitlines()[1]
    assert "until" in aws and "AWS Production allows at most" in aws


def test_nothing_ticked_submits_nothing(chat: tuple[ChatSession, list[str]]) -> None:
    session, said = chat
    run(session, said, THREE)
    out = run(session, said, "/drop 1 2 3", "/submit 1")
    assert "Nothing is ticked" in out and "✓ Submitted" not in out
    assert mine(session) == []
    out = run(session, said, "/keep all", "/submit 1")
    assert out.count("✓ Submitted") == 3


def test_submit_takes_only_the_ticked_items(chat: tuple[ChatSession, list[str]]) -> None:
    session, said = chat
    run(session, said, THREE)
    run(session, said, "/drop 2")
    out = run(session, said, "/submit 1")
    assert out.count("✓ Submitted") == 2 and "Datadog" not in out
    ends = {i.entitlement_id: r.end for r in mine(session) for i in r.items}
    assert sorted(ends) == ["aws-prod:read-only", "github:write"]
    aws, github = ends["aws-prod:read-only"], ends["github:write"]
    assert aws is not None and github is not None and aws < github  # each keeps its own end


def test_the_requester_hears_a_rejection_with_its_comment(
    chat: tuple[ChatSession, list[str]],
) -> None:
    session, said = chat
    run(session, said, "datadog standard for 3 days", "/submit 1")
    [request] = mine(session)
    with session.runtime.uow() as uow:  # as if typed: "for the payments migration"
        request.comment = "payments migration"
        uow.requests.save(request)
        uow.commit()
    out = run(session, said, "/as dana.kim@acme.test", "/inbox")
    assert "reason: New project (“payments migration”)" in out  # the approver sees it
    out = run(session, said, '/reject "not this quarter"')
    assert "→ to Alex Meyer (alex.meyer@acme.test):" in out
    assert "was rejected by Dana Kim: “not this quarter”" in out
    assert "Nothing was granted" in out


def test_the_requester_hears_ends_soon_and_ended(chat: tuple[ChatSession, list[str]]) -> None:
    session, said = chat
    request = granted_datadog(session, said)
    assert request.end is not None
    clock = session.runtime.clock
    assert isinstance(clock, FixedClock)
    clock.current = request.end - timedelta(hours=2)
    out = run(session, said, "/requests")
    assert "Temporary access ends soon" in out and "→ to Alex Meyer" in out
    clock.current = request.end + timedelta(minutes=1)
    out = run(session, said, "/requests")
    assert "Temporary access has ended" in out
    assert run(session, said, "/requests").count("has ended") == 0  # said once


def test_approve_with_changes_shortens_leaves_out_and_tells_the_requester(
    chat: tuple[ChatSession, list[str]],
) -> None:
    session, said = chat
    run(session, said, "github write and datadog standard for 3 days", "/submit 1")
    dd = next(r for r in mine(session) if r.items[0].app_id == "datadog")
    out = run(
        session,
        said,
        "/as dana.kim@acme.test",
        f'/approve-changes {dd.id} until 2026-03-05 "one day is enough"',
    )
    assert "approved with changes" in out and "access now lasts until end of Thu 5 Mar" in out
    assert "Comment: “one day is enough”" in out
    [after] = [r for r in mine(session) if r.id == dd.id]
    assert after.end == datetime(2026, 3, 5, 23, 0, tzinfo=UTC)


def test_approve_with_changes_refuses_a_day_that_is_not_one(
    chat: tuple[ChatSession, list[str]],
) -> None:
    session, said = chat
    run(session, said, "datadog standard for 3 days", "/submit 1")
    out = run(session, said, "/as dana.kim@acme.test", "/approve-changes until 2026-13-45")
    assert "Pick a real day" in out
    out = run(session, said, "/approve-changes drop 5")
    assert "has no item 5" in out
    assert all(r.state is State.SUBMITTED for r in mine(session))


def test_help_lists_the_new_commands(chat: tuple[ChatSession, list[str]]) -> None:
    session, said = chat
    out = run(session, said, "/help")
    assert out == HELP
    for command in ("/drop N", "/keep N", "/approve-changes ID"):
        assert command in HELP


def test_the_justification_reaches_the_request_the_approver_and_the_receipt(
    chat: tuple[ChatSession, list[str]],
) -> None:
    session, said = chat
    run(session, said, THREE)
    card = session.runner.confirmable(session.thread, ALEX)
    assert card is not None
    card.reason_text = "payments migration"  # as typed: "for the payments migration"
    kept = keep_ticked(session.runtime, card, ["datadog:standard"])
    assert kept.reason_text == "payments migration"  # unticking never drops it
    [made] = submit_proposal(session.runtime, kept, actor=ALEX, reason="New project", key="k1")
    assert made.comment == "payments migration"
    d = session.runtime.directory()
    step = made.steps[0].index
    assert "“payments migration”" in str(approver_dm(made, d, step_index=step)["blocks"])
    assert "“payments migration”" in str(receipt([made], d)["blocks"])
