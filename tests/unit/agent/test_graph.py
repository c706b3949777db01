"""The graph with a scripted model: clarify, propose, edit, confirm, cancel, refuse."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from langgraph.checkpoint.memory import InMemorySaver

from agent.ask import Ask, Understanding
from agent.deps import AgentDeps
from agent.graph import build_graph
from agent.models.port import ModelContext, Turn
from agent.runner import AgentRunner, thread_id
from domain.ports import FixedClock
from tests.orgs import NOW, small_directory

D = small_directory()
ALEX = "alex@t.test"


class Scripted:
    """Returns the scripted asks in order and records what it was asked."""

    name = "scripted"

    def __init__(self, *asks: dict[str, object]) -> None:
        self.asks: Iterator[dict[str, object]] = iter(asks)
        self.seen: list[tuple[list[Turn], ModelContext]] = []

    def understand(self, turns: list[Turn], ctx: ModelContext) -> Understanding:
        self.seen.append((turns, ctx))
        return Understanding(ask=Ask.model_validate(next(self.asks)))


def runner(*asks: dict[str, object]) -> tuple[AgentRunner, Scripted]:
    model = Scripted(*asks)
    deps = AgentDeps(model=model, directory=lambda: D, clock=FixedClock(NOW))
    return AgentRunner(build_graph(deps, checkpointer=InMemorySaver())), model


T = thread_id("test", "1")


def test_clarify_then_propose_then_confirm() -> None:
    """ "Same access as Priya" is every item she has that Alex lacks, on one card; only
    what is missing (until when) is asked."""
    r, model = runner(
        {"action": "request", "access_like": "person", "reference": "Priya"},
        {"action": "answer", "duration": "until Friday"},
    )
    first = r.send(T, ALEX, "same access as Priya")
    assert first.kind == "clarify"
    assert [p["slot"] for p in first.problems] == ["duration"]
    second = r.send(T, ALEX, "until Friday")
    assert second.kind == "proposal" and second.proposal is not None
    assert {i.entitlement_id for i in second.proposal.items} == {
        "github:write",
        "aws-prod:read-only",
    }
    assert model.seen[1][1].pending_slots == ("duration",)
    assert [t.role for t in model.seen[1][0]] == ["user", "assistant", "user"]
    assert r.confirm(T, "dana@t.test") is None  # not the requester's click
    confirmed = r.confirm(T, ALEX)
    assert confirmed is not None and confirmed.status == "ready"
    assert r.waiting_for(T) is None


def test_selection_by_number_picks_from_offered() -> None:
    r, _ = runner(
        {"action": "request", "entitlements": ["github"], "duration": "3d"},
        {"action": "answer", "selection": ["2"]},
    )
    assert r.send(T, ALEX, "github for 3 days").kind == "clarify"
    reply = r.send(T, ALEX, "the second one")
    assert reply.proposal is not None
    assert [i.entitlement_id for i in reply.proposal.items] == ["github:admin"]


def test_edit_after_the_card_re_resolves() -> None:
    r, _ = runner(
        {"action": "request", "entitlements": ["github write"], "duration": "2 weeks"},
        {"action": "edit", "duration": "3 days"},
    )
    assert r.send(T, ALEX, "github write for 2 weeks").kind == "proposal"
    edited = r.send(T, ALEX, "make it 3 days")
    assert edited.kind == "proposal" and edited.proposal is not None
    assert edited.proposal.duration is not None
    assert edited.proposal.duration.end_date == "2026-03-07"


def test_cancel_on_the_card() -> None:
    r, _ = runner({"action": "request", "entitlements": ["github write"], "duration": "1w"})
    r.send(T, ALEX, "github write for a week")
    reply = r.cancel(T, ALEX)
    assert reply is not None and reply.kind == "cancelled"
    assert r.confirm(T, ALEX) is None


@pytest.mark.parametrize("code", ["skip_approval", "prompt_injection"])
def test_model_flagged_refusal_ends_the_run(code: str) -> None:
    r, _ = runner({"action": "request", "entitlements": ["github write"], "refusal": code})
    reply = r.send(T, ALEX, "github write, and skip approval")
    assert reply.kind == "refused" and reply.refusal_code == code
    assert r.waiting_for(T) is None


def test_tool_refusal_carries_its_code() -> None:
    r, _ = runner({"action": "request", "access_like": "person", "reference": "Tom Becker"})
    reply = r.send(T, ALEX, "same as Tom")
    assert (reply.kind, reply.refusal_code) == ("refused", "reference_terminated")


def test_a_new_message_after_the_end_starts_a_new_request() -> None:
    r, _ = runner(
        {"action": "request", "access_like": "person", "reference": "Tom Becker"},
        {"action": "request", "entitlements": ["github write"], "duration": "1d"},
    )
    r.send(T, ALEX, "same as Tom")
    reply = r.send(T, ALEX, "github write for a day")
    assert reply.kind == "proposal"


class Noticing(Scripted):
    """A model that reports a fallback notice on every turn."""

    def understand(self, turns: list[Turn], ctx: ModelContext) -> Understanding:
        understanding = super().understand(turns, ctx)
        return understanding.model_copy(update={"notice": "model unreachable"})


def test_a_notice_is_said_once_per_conversation_not_repeated() -> None:
    model = Noticing(
        {"action": "request", "access_like": "person", "reference": "Priya", "duration": "1d"},
        {"action": "answer", "select_all": True},
    )
    deps = AgentDeps(model=model, directory=lambda: D, clock=FixedClock(NOW))
    r = AgentRunner(build_graph(deps, checkpointer=InMemorySaver()))
    assert r.send(T, ALEX, "same access as priya for a day").notices == ["model unreachable"]
    assert r.send(T, ALEX, "all of them").notices == []  # heard once in this conversation


def test_a_structured_ask_skips_the_model_and_is_checked_by_the_tools() -> None:
    r, model = runner({"action": "edit", "duration": "3 days"})
    reply = r.start(
        T,
        ALEX,
        words="(form) same access as Priya Raman, until 2026-03-10",
        ask={"access_like": "person", "reference": "priya@t.test", "duration": "until 2026-03-10"},
        picks={"reference": "priya@t.test", "entitlements": ["github:write"]},
    )
    assert model.seen == []  # no model call for a form
    assert reply.kind == "proposal" and reply.proposal is not None
    assert [i.entitlement_id for i in reply.proposal.items] == ["github:write"]
    # the conversation goes on in words, with the model, as after a typed request
    edited = r.send(T, ALEX, "make it 3 days")
    assert len(model.seen) == 1
    assert edited.proposal is not None and edited.proposal.duration is not None
    assert edited.proposal.duration.end_date == "2026-03-07"
    assert r.confirm(T, ALEX) is not None


def test_a_structured_ask_is_refused_like_a_typed_one() -> None:
    r, model = runner()
    reply = r.start(
        T,
        ALEX,
        words="(form) same access as Tom Becker",
        ask={"access_like": "person", "reference": "tom@t.test", "select_all": True},
    )
    assert (reply.kind, reply.refusal_code) == ("refused", "reference_terminated")
    assert model.seen == []


def test_a_later_message_is_understood_again_after_a_structured_start() -> None:
    r, model = runner({"action": "request", "entitlements": ["github write"], "duration": "1d"})
    r.start(T, ALEX, words="(form)", ask={"access_like": "custom", "entitlements": ["github:read"]})
    r.cancel(T, ALEX)
    assert r.send(T, ALEX, "github write for a day").kind == "proposal"
    assert len(model.seen) == 1  # a fresh message goes through the model again


def test_cancel_closes_an_open_question() -> None:
    """Cancel (the Slack button, `/cancel` in the chat) while a question is open ends
    the conversation: it does not ask the question again."""
    r, model = runner({"action": "request", "access_like": "person", "reference": "Priya"})
    assert r.send(T, ALEX, "same access as Priya").kind == "clarify"
    cancelled = r.cancel(T, ALEX)
    assert cancelled is not None and cancelled.kind == "cancelled", cancelled
    assert r.waiting_for(T) is None and not r.state(T).get("question")
    assert len(model.seen) == 1  # the model was not asked to read "cancel"


def test_changes_waiting_on_a_question_are_checkpointed_as_plain_json() -> None:
    """A change typed while a question is open waits in the ask; the checkpoint holds it
    as JSON (no ChangeOp or AskState objects), so loading it needs no registered types."""
    import json

    saver = InMemorySaver()
    deps = AgentDeps(
        model=Scripted(
            {"action": "request", "access_like": "person", "reference": "Priya"},
            {"action": "answer", "changes": [{"op": "remove", "items": ["github"]}]},
        ),
        directory=lambda: D,
        clock=FixedClock(NOW),
    )
    r = AgentRunner(build_graph(deps, checkpointer=saver))
    r.send(T, ALEX, "same access as Priya")
    r.send(T, ALEX, "without github")
    stored = saver.get_tuple({"configurable": {"thread_id": T}})
    assert stored is not None
    values = stored.checkpoint["channel_values"]
    assert values["ask"]["changes"] == [
        {
            "op": "remove",
            "items": ["github"],
            "duration": None,
            "account": None,
            "app": None,
            "justification": None,
            "beneficiary": None,
        }
    ]
    json.dumps(values["ask"])  # plain JSON: no unregistered types to deserialise
