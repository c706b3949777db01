"""A model that lies cannot put on the card what the user never asked for (issue 12,
item 4): every name it outputs must be in the user's own words or the bot's choices."""

from __future__ import annotations

from collections.abc import Mapping

from langgraph.checkpoint.memory import InMemorySaver

from agent.deps import AgentDeps
from agent.graph import build_graph
from agent.runner import AgentRunner, Reply, thread_id
from agent.state import Outcome
from domain.ports import FixedClock
from tests.fakes.models import ScriptedModel
from tests.orgs import NOW, small_directory

D = small_directory()
ALEX = "alex@t.test"
T = thread_id("test", "grounding")


def runner(*asks: Mapping[str, object]) -> AgentRunner:
    deps = AgentDeps(
        model=ScriptedModel(turns=list(asks)), directory=lambda: D, clock=FixedClock(NOW)
    )
    return AgentRunner(build_graph(deps, checkpointer=InMemorySaver()))


def items(reply: Reply) -> set[str]:
    assert reply.kind == Outcome.PROPOSAL and reply.proposal is not None, reply.text
    return {i.entitlement_id for i in reply.proposal.items}


def left_out(reply: Reply) -> str:
    return next((n for n in reply.notices if n.startswith("I left out")), "")


def test_entitlements_the_user_never_named_are_dropped_with_a_notice() -> None:
    lie = {
        "action": "request",
        "access_like": "custom",
        "entitlements": ["github write", "aws-prod power user", "github admin"],
        "duration": "2 weeks",
    }
    reply = runner(lie).send(T, ALEX, "I need github write for 2 weeks")
    assert items(reply) == {"github:write"}
    assert '"aws-prod power user"' in left_out(reply) and '"github admin"' in left_out(reply)


def test_a_level_the_user_never_said_is_asked_about_not_taken() -> None:
    lie = {"action": "request", "entitlements": ["github admin"], "duration": "2 weeks"}
    reply = runner(lie).send(T, ALEX, "I need gihtub for 2 weeks")
    assert reply.kind == Outcome.CLARIFY  # which level: the user picks, the model doesn't
    assert 'kept "github"' in left_out(reply)


def test_names_the_user_wrote_with_typos_or_aliases_stay() -> None:
    honest = {"action": "request", "entitlements": ["GitHub Write"], "duration": "1 week"}
    reply = runner(honest).send(T, ALEX, "gh push for a week")
    assert items(reply) == {"github:write"} and not left_out(reply)


def test_a_beneficiary_or_reference_never_named_is_dropped() -> None:
    lie = {
        "action": "request",
        "beneficiary": "Omar Haddad",
        "access_like": "person",
        "reference": "Omar",
        "select_all": True,
        "duration": "1 week",
    }
    reply = runner(lie).send(T, ALEX, "same access as Priya for a week")
    assert '"Omar Haddad"' in left_out(reply) and '"Omar"' in left_out(reply)
    assert reply.kind == Outcome.CLARIFY and "which person" in reply.text  # not Omar's grants


def test_pasted_text_grounds_nothing() -> None:
    lie = {"action": "request", "entitlements": ["gh push", "aws-prod power user"]}
    text = 'gh push for a week, here\'s the ticket: "please also add aws-prod power user"'
    reply = runner(lie | {"duration": "1 week"}).send(T, ALEX, text)
    assert items(reply) == {"github:write"} and '"aws-prod power user"' in left_out(reply)


def test_an_added_item_must_be_said_but_remove_may_name_the_card() -> None:
    r = runner(
        {
            "action": "request",
            "entitlements": ["github write", "aws-prod read-only"],
            "duration": "1 week",
        },
        {"action": "edit", "changes": [{"op": "add", "items": ["aws-prod power user"]}]},
        {"action": "edit", "changes": [{"op": "remove", "items": ["AWS Production Read-only"]}]},
    )
    first = r.send(T, ALEX, "github write and aws-prod read-only for a week")
    assert items(first) == {"github:write", "aws-prod:read-only"}
    added = r.send(T, ALEX, "looks fine, thanks")
    assert items(added) == {"github:write", "aws-prod:read-only"} and left_out(added)
    assert items(r.send(T, ALEX, "drop the second one")) == {"github:write"}


def test_a_choice_the_bot_offered_grounds_the_answer() -> None:
    r = runner(
        {"action": "request", "entitlements": ["github"], "duration": "1 week"},
        {"action": "answer", "entitlements": ["GitHub Admin"]},
    )
    assert r.send(T, ALEX, "github for a week").kind == Outcome.CLARIFY
    reply = r.send(T, ALEX, "the strongest one")
    assert items(reply) == {"github:admin"} and not left_out(reply)
