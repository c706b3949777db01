"""What leaves the machine (issue 12, item 7): each call carries the system prompt, the
user's latest message (and, while a question is open, the ask's earlier ones), the open
question with its choices once, and the stage; never the bot's replies. With
`names_out`, the choices go as "option N" and are mapped back."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

import pytest
from langgraph.checkpoint.memory import InMemorySaver

from agent.deps import AgentDeps
from agent.graph import build_graph
from agent.models.offline import OfflineModel
from agent.models.openai_compat import OpenAIModel
from agent.models.port import ModelContext, Turn
from agent.runner import AgentRunner, thread_id
from agent.state import Outcome
from domain.model.directory import Directory
from domain.orgdata.demo import load_demo_org
from domain.ports import FixedClock
from slack_app.settings import Settings
from slack_app.testing.openai_server import FakeOpenAIServer, reply

D = Directory(load_demo_org())
NOW = datetime(2026, 3, 4, 15, 0, tzinfo=UTC)
ALEX = "alex.meyer@acme.test"
T = thread_id("test", "openai-messages")


def runner(server: FakeOpenAIServer, *, names_out: bool = False) -> AgentRunner:
    model = OpenAIModel(
        api_key="sk-test",
        base_url=server.url,
        model="gpt-test",
        fallback=OfflineModel(lambda: D),
        attempts=1,
        names_out=names_out,
    )
    deps = AgentDeps(model=model, directory=lambda: D, clock=FixedClock(NOW))
    return AgentRunner(build_graph(deps, checkpointer=InMemorySaver()))


def sent(body: dict[str, Any]) -> str:
    """Everything a request carries after the static system prompt."""
    return "\n".join(str(m["content"]) for m in body["messages"][1:])


def context(body: dict[str, Any]) -> dict[str, Any]:
    return dict(json.loads(body["messages"][-1]["content"].split("\n", 1)[1]))


def test_the_bots_replies_never_go_and_the_choices_go_once(
    openai_server: FakeOpenAIServer,
) -> None:
    openai_server.script(
        reply({"action": "request", "access_like": "person", "reference": "Priya"}),
        reply({"action": "answer", "reference": "Priya Raman"}),
    )
    r = runner(openai_server)
    asked = r.send(T, ALEX, "same access as Priya for 2 weeks")
    assert asked.kind == Outcome.CLARIFY and len(asked.problems[0]["choices"]) > 1
    r.send(T, ALEX, "Priya Raman")
    second = openai_server.requests[1]
    assert [m["role"] for m in second["messages"]] == ["system", "user", "user", "system"]
    assert asked.text not in sent(second)
    for choice in asked.problems[0]["choices"]:
        assert sent(second).count(choice["label"]) <= 1 + "Priya Raman".count(choice["label"])
        assert (choice.get("detail") or "\0") not in sent(second)  # titles, departments
    assert context(second)["stage"] == "clarify"


def test_on_an_open_card_only_the_latest_message_goes(openai_server: FakeOpenAIServer) -> None:
    openai_server.script(
        reply({"action": "request", "entitlements": ["github write"], "duration": "1 week"}),
        reply({"action": "edit", "changes": [{"op": "set_end", "duration": "3 days"}]}),
    )
    r = runner(openai_server)
    card = r.send(T, ALEX, "github write for a week")
    assert card.kind == Outcome.PROPOSAL
    r.send(T, ALEX, "make it 3 days")
    later = openai_server.requests[1]["messages"]
    assert [m["content"] for m in later if m["role"] == "user"] == ["make it 3 days"]
    assert "alex-m" not in sent(openai_server.requests[1])  # the card's account stays home


def test_names_out_sends_options_and_maps_the_pick_back(openai_server: FakeOpenAIServer) -> None:
    openai_server.script(reply({"action": "answer", "selection": ["option 2"]}))
    model = OpenAIModel(
        api_key="sk-test",
        base_url=openai_server.url,
        model="gpt-test",
        fallback=OfflineModel(lambda: D),
        attempts=1,
        names_out=True,
    )
    ctx = ModelContext(
        requester_name="Alex Meyer",
        today="Wednesday 2026-03-04",
        pending_question='Which "Priya" do you mean?',
        pending_slots=("reference",),
        choices=("Priya Raman", "Priya Shah"),
        stage="clarify",
    )
    understanding = model.understand([Turn("user", "the second")], ctx)
    assert understanding.ask.selection == ["2"]
    body = openai_server.requests[0]
    assert context(body)["choices"] == ["option 1", "option 2"]
    assert context(body)["last_question"] is None and context(body)["requester"] == ""
    assert "Priya" not in sent(body) and "Alex" not in sent(body)


def test_names_out_through_the_graph_picks_the_offered_person(
    openai_server: FakeOpenAIServer,
) -> None:
    openai_server.script(
        reply({"action": "request", "access_like": "person", "reference": "Priya"}),
        reply({"action": "answer", "selection": ["option 1"]}),
    )
    r = runner(openai_server, names_out=True)
    asked = r.send(T, ALEX, "same access as Priya for 2 weeks")
    first = asked.problems[0]["choices"][0]["label"]
    answered = r.send(T, ALEX, "the first one")
    assert first not in sent(openai_server.requests[1])
    assert answered.proposal is not None and answered.proposal.access_like is not None
    assert answered.proposal.access_like.label == first


def test_the_setting_reads_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OPENAI_NAMES_OUT", "true")
    assert Settings(_env_file=None).openai_names_out is True
    monkeypatch.delenv("OPENAI_NAMES_OUT")
    assert Settings(_env_file=None).openai_names_out is False
