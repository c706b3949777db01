"""The local chat on the demo org, through the real store: ask → clarify → card →
submit → approvals → manual fulfillment → granted, as a newcomer would type it."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from domain.model.requests import State
from domain.ports import FixedClock
from slack_app.agent_wiring import build_runner
from slack_app.bootstrap import build_runtime
from slack_app.chat.session import ChatSession
from slack_app.settings import Settings

NOW = datetime(2026, 3, 4, 15, 0, tzinfo=UTC)  # Wednesday 16:00 in Berlin


@pytest.fixture
def chat(tmp_path: Path) -> tuple[ChatSession, list[str]]:
    settings = Settings(database_url=f"sqlite:///{tmp_path / 'app.db'}", model="offline")
    runtime = build_runtime(settings, clock=FixedClock(NOW))
    said: list[str] = []
    return ChatSession(runtime, build_runner(runtime), "alex.meyer@acme.test", said.append), said


def run(session: ChatSession, said: list[str], *lines: str) -> str:
    start = len(said)
    for line in lines:
        assert session.handle(line)
    return "\n".join(said[start:])


def test_same_access_as_priya_all_the_way_to_granted(
    chat: tuple[ChatSession, list[str]],
) -> None:
    session, said = chat
    out = run(session, said, "same access as Priya but only github and datadog, temporary")
    assert 'Which "priya" do you mean?' in out and "Until when" in out
    out = run(session, said, "Priya Raman", "until Friday")
    assert "GitHub · Write on alex-m" in out and "Datadog · Standard on a new" in out
    assert "Ends: at the end of Fri 6 Mar 2026" in out
    out = run(session, said, "/submit")
    assert "Pick a reason first" in out  # nothing was submitted without one
    out = run(session, said, "/submit 1")
    assert out.count("✓ Submitted") == 2  # two approval routes, two requests
    out = run(session, said, "/approve")
    assert "Nothing waiting for your approval" in out  # the requester never approves
    out = run(session, said, "/as dana.kim@acme.test", "/approve all")
    assert "waiting for Omar Haddad" in out
    out = run(session, said, "/as omar.haddad@acme.test", "/approve", "/done all")
    assert "granted until end of Wed 18 Mar" not in out
    assert "granted until end of Fri 06 Mar 2026" in out
    runtime = session.runtime
    assert "github:write" in runtime.directory().held_by("alex.meyer@acme.test", at=NOW)
    with runtime.uow() as uow:
        states = sorted(r.state.value for r in uow.requests.by_requester("alex.meyer@acme.test"))
        events = [e.action for e in uow.audit.since(0)]
    assert states == [State.FULFILLED.value, State.FULFILLING.value]
    assert events.count("request.submitted") == 2 and "request.fulfilled" in events


def test_only_the_requester_can_submit_the_card(chat: tuple[ChatSession, list[str]]) -> None:
    session, said = chat
    run(session, said, "github write for 2 weeks for the payments migration")
    thread = session.thread
    session.user = "dana.kim@acme.test"  # someone else at the same terminal session
    assert session.runner.confirm(thread, "dana.kim@acme.test") is None
    session.user = "alex.meyer@acme.test"
    out = run(session, said, "/submit")
    assert "✓ Submitted" in out and "reason: New project" in out


def test_cancel_leaves_nothing_submitted(chat: tuple[ChatSession, list[str]]) -> None:
    session, said = chat
    run(session, said, "datadog standard for 3 days")
    out = run(session, said, "/cancel", "/submit")
    assert "cancelled" in out.lower() and "no request card" in out
    with session.runtime.uow() as uow:
        assert uow.requests.by_requester("alex.meyer@acme.test") == []


def test_a_submitted_request_is_withdrawn_in_words(chat: tuple[ChatSession, list[str]]) -> None:
    session, said = chat
    run(session, said, "datadog standard for 3 days, new project")
    assert "✓ Submitted" in run(session, said, "/submit")
    out = run(session, said, "what's pending?")
    assert "Datadog" in out
    out = run(session, said, "cancel my datadog request")
    assert "✓ Cancelled" in out and "withdrawn" in out
    with session.runtime.uow() as uow:
        (made,) = uow.requests.by_requester("alex.meyer@acme.test")
    assert made.state is State.CANCELLED


def test_extend_asks_until_when_then_submits_an_extension(
    chat: tuple[ChatSession, list[str]],
) -> None:
    """/extend ID is the "ends soon" notice's Extend button. Needs the graph's extend
    action (branch conv-graph) for the question and the card."""
    session, said = chat
    run(session, said, "github write for 3 days", "/submit 1")
    run(session, said, "/as dana.kim@acme.test", "/approve")
    run(session, said, "/as omar.haddad@acme.test", "/approve", "/done")
    with session.runtime.uow() as uow:
        (granted,) = uow.requests.by_requester("alex.meyer@acme.test")
    assert granted.state is State.FULFILLED
    out = run(session, said, f"/extend {granted.id}")
    assert "Only the person who has this access, or who asked for it" in out
    out = run(session, said, "/as alex.meyer@acme.test", f"/extend {granted.id.lower()}")
    assert "Until when" in out
    out = run(session, said, "until 20 March")
    assert "Extends GitHub · Write from" in out
    out = run(session, said, "/submit 1")
    assert "✓ Submitted" in out
    with session.runtime.uow() as uow:
        kinds = sorted(r.kind.value for r in uow.requests.by_requester("alex.meyer@acme.test"))
    assert kinds == ["extend", "grant"]
