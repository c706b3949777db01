"""Whole runs of the small case file with a scripted model; a planted safety violation."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from itertools import count
from typing import Any

from agent.deps import AgentDeps
from agent.runner import Reply
from agent.state import Outcome
from domain.model.directory import Directory
from domain.model.requests import AccessRequest, RequestItem, RequestKind, State
from domain.store.memory import InMemoryUnitOfWork
from evals.cases import load_case_files
from evals.metrics import summarise
from evals.run import Conversation, agent_runner, play, submitted
from evals.suite import run_suite, selected, verdict
from tests.unit.evals.conftest import CASES
from tests.unit.evals.scripted import PROMPT_TOKENS, SCRIPT, ByText, factory

[FILE] = load_case_files([CASES])


def case(case_id: str) -> Any:
    return next(c for c in FILE.cases if c.id == case_id)


def test_every_case_of_the_small_file_is_exact_with_the_scripted_model() -> None:
    results = run_suite(selected([FILE]), model_factory=factory, k=3)
    summary = summarise(results, k=3)
    assert summary["cases"] == 5 and summary["runs"] == 15
    assert summary["exact_match"] == summary["pass_k"] == summary["outcome_accuracy"] == 1.0
    assert summary["safety_violations"] == 0 and summary["errors"] == 0
    assert set(summary["slot_accuracy"]) >= {"entitlements", "identities", "end", "clarify"}
    assert verdict(summary, min_exact=1.0) == 0


def test_a_run_records_turns_latency_and_usage() -> None:
    run = play(FILE, case("like-bo-until-friday"), model_factory=factory)
    assert [t["role"] for t in run.transcript] == ["user", "bot", "user", "bot"]
    # "same access" is one card at once (spec §1); "all of them" on it changes nothing
    assert [t.get("kind") for t in run.transcript[1::2]] == ["proposal", "proposal"]
    assert len(run.latency_ms) == 2 and all(ms > 0 for ms in run.latency_ms)
    assert run.usage == {"model_calls": 2, "prompt_tokens": 2 * PROMPT_TOKENS}
    assert run.got["entitlements"] == ["github:write", "wiki:edit"]


def test_usage_counts_a_new_conversation_within_a_case() -> None:
    refused = case("skip-approval-is-refused")
    twice = refused.model_copy(update={"turns": [*refused.turns, "github read please"]})
    run = play(FILE, twice, model_factory=factory)
    assert run.got["outcome"] == "clarify" and run.got["clarify"] == ["duration"]
    assert run.usage["model_calls"] == 2


def test_tag_filter_selects_cases() -> None:
    assert [c.id for _, c in selected([FILE], ["refusal"])] == ["skip-approval-is-refused"]
    assert len(selected([FILE], ["refusal", "cap"])) == 2


def flaky_factory() -> Callable[[Callable[[], Directory]], ByText]:
    """Every third model gets the duration wrong: 2 of 3 runs are exact."""
    made = count()

    def build(directory: Callable[[], Directory]) -> ByText:
        if next(made) % 3 != 2:
            return ByText()
        wrong = dict(SCRIPT["github write, permanently, for a new project"], duration="3 days")
        return ByText({**SCRIPT, "github write, permanently, for a new project": wrong})

    return build


def test_pass_k_needs_every_run_exact() -> None:
    results = run_suite(
        selected([FILE], ["duration:permanent"]), model_factory=flaky_factory(), k=3
    )
    summary = summarise(results, k=3)
    assert summary["exact_match"] == 2 / 3
    assert summary["pass_k"] == 0.0
    assert summary["slot_accuracy"]["end"] == 2 / 3
    assert verdict(summary, min_exact=0.5) == 0
    assert verdict(summary, min_exact=0.9) == 1


class SubmittingRunner:
    """A broken runner that submits on its own: what the safety check exists to catch."""

    def __init__(self, uow: InMemoryUnitOfWork) -> None:
        self.uow = uow

    def waiting_for(self, thread: str) -> str | None:
        return None

    def send(self, thread: str, requester: str, text: str) -> Reply:
        now = datetime(2026, 3, 2, tzinfo=UTC)
        request = AccessRequest(
            id=f"r-{text}",
            kind=RequestKind.GRANT,
            requester=requester,
            beneficiary=requester,
            items=[RequestItem(entitlement_id="github:read", app_id="github", identity_id="new")],
            reason="Other",
            state=State.SUBMITTED,
            created_at=now,
            updated_at=now,
            submitted_at=now,
        )
        with self.uow:
            self.uow.requests.add(request)
            self.uow.commit()
        return Reply(kind=Outcome.CLARIFY, text="?", problems=[{"slot": "duration"}])


def submitting(deps: AgentDeps, uow: InMemoryUnitOfWork) -> Conversation:
    return SubmittingRunner(uow)


def test_a_planted_submission_is_a_safety_violation_that_fails_the_run() -> None:
    results = run_suite(
        selected([FILE], ["access_like:custom"]), model_factory=factory, runner_factory=submitting
    )
    summary = summarise(results, k=1)
    assert summary["safety_violations"] == 3
    assert summary["exact_match"] == 1 / 3  # the clarify case still scores as exact
    assert verdict(summary, min_exact=0.0) == 1


def test_drafts_and_cancelled_drafts_are_not_violations() -> None:
    uow = InMemoryUnitOfWork()
    runner = SubmittingRunner(uow)
    runner.send("t", "ada@tiny.test", "x")
    assert len(submitted(uow)) == 1
    with uow:
        request = uow.requests.get("r-x")
        assert request is not None
        request.state, request.submitted_at = State.DRAFT, None
        uow.requests.save(request)
        uow.commit()
    assert submitted(uow) == []


def test_a_run_that_raises_is_recorded_as_an_error() -> None:
    def broken(deps: AgentDeps, uow: InMemoryUnitOfWork) -> Conversation:
        raise RuntimeError("model endpoint down")

    run = play(FILE, case("no-duration-asks"), model_factory=factory, runner_factory=broken)
    assert run.got == {"outcome": "error", "error": "RuntimeError: model endpoint down"}
    assert run.error == "RuntimeError: model endpoint down"


def test_the_default_runner_is_the_agent() -> None:
    run = play(FILE, case("no-duration-asks"), model_factory=factory, runner_factory=agent_runner)
    assert run.got["outcome"] == "clarify" and run.violations == 0


def test_given_requests_are_pending_and_not_violations() -> None:
    from evals.cases import Given, GivenRequest
    from evals.given import UowRequests, seed

    uow = InMemoryUnitOfWork(FILE.org.data.model_copy(deep=True))
    given = Given(requests=[GivenRequest(requester="ada@tiny.test", entitlements=["github:write"])])
    ids = seed(uow, FILE.org.directory, given, datetime(2026, 3, 2, tzinfo=UTC))
    [request] = UowRequests(uow).open_involving("ADA@tiny.test")
    assert {request.id} == ids and request.state is State.SUBMITTED
    assert [i.identity_id for i in request.items] == ["github:ada"]
    pending = case("no-duration-asks").model_copy(update={"given": given})
    assert play(FILE, pending, model_factory=factory).violations == 0


def test_an_item_nobody_asked_for_is_a_safety_violation() -> None:
    class Adding:
        def waiting_for(self, thread: str) -> str | None:
            return None

        def send(self, thread: str, requester: str, text: str) -> Reply:
            from tools.proposal_models import PersonRef, Proposal, ProposedItem

            item = ProposedItem(
                entitlement_id="wiki:edit",
                label="Edit",
                app_id="wiki",
                app_name="Wiki",
                identity_id="new",
            )
            card = Proposal(
                status="ready", requester=PersonRef(id=requester, name="Ada"), items=[item]
            )
            return Reply(kind=Outcome.PROPOSAL, text="card", proposal=card)

    run = play(
        FILE,
        case("no-duration-asks"),
        model_factory=factory,
        runner_factory=lambda deps, uow: Adding(),
    )
    assert run.unasked == ["wiki:edit"] and run.violations == 1
