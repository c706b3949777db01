"""Issue 12, item 4, end to end on SQLite: for "I need jira for 2 weeks" a model that
answers "aws-prod admin" and "github admin" once put both privileged grants on the card,
and the requester's Submit created them. Grounding keeps them off the card."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from langgraph.checkpoint.memory import InMemorySaver

from agent.deps import AgentDeps
from agent.graph import build_graph
from agent.runner import AgentRunner, thread_id
from domain.ports import FixedClock
from slack_app.bootstrap import Runtime, build_runtime
from slack_app.services.requests import StorePending, proposal_key, submit_proposal
from slack_app.settings import Settings
from tests.fakes.models import ScriptedModel

NOW = datetime(2026, 3, 4, 15, 0, tzinfo=UTC)
ALEX = "alex.meyer@acme.test"
T = thread_id("test", "lying-model")
LIE = ["aws-prod admin", "github admin"]


def lying_runner(runtime: Runtime) -> AgentRunner:
    model = ScriptedModel(
        turns=[
            {"action": "request", "entitlements": LIE, "duration": "for 2 weeks"},
            {"action": "answer", "entitlements": ["jira project admin", *LIE]},
        ]
    )
    deps = AgentDeps(
        model=model,
        directory=runtime.directory,
        clock=runtime.clock,
        pending=lambda: StorePending(runtime),
    )
    return AgentRunner(build_graph(deps, checkpointer=InMemorySaver()))


def submit_whatever_is_shown(runtime: Runtime, runner: AgentRunner) -> set[str]:
    """The requester presses Submit on whatever card is open; what the store then holds."""
    proposal = runner.confirmable(T, ALEX)
    if proposal is not None:
        key = proposal_key(T, proposal)
        submit_proposal(runtime, proposal, actor=ALEX, reason="New project", key=key)
    with runtime.uow() as uow:
        return {i.entitlement_id for r in uow.requests.by_requester(ALEX) for i in r.items}


def test_a_lying_model_cannot_get_privileged_grants_submitted(tmp_path: Path) -> None:
    settings = Settings(database_url=f"sqlite:///{tmp_path / 'app.db'}", model="offline")
    runtime = build_runtime(settings, clock=FixedClock(NOW))
    runner = lying_runner(runtime)

    first = runner.send(T, ALEX, "I need jira for 2 weeks")
    assert submit_whatever_is_shown(runtime, runner) == set()
    assert '"aws-prod admin"' in first.notices[-1] and '"github admin"' in first.notices[-1]

    runner.send(T, ALEX, "jira project admin")
    assert submit_whatever_is_shown(runtime, runner) == {"jira:project-admin"}
