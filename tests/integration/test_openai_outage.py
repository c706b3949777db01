"""Outage handling of the OpenAI adapter against a refusing, lying, slow or rate-limited
loopback stand-in: a refusal is read once and said as such; Retry-After is honoured up
to a cap; after a failure a circuit opens, so later turns fall back at once while the
endpoint is probed in the background; every fallback turn carries its notice, for the
conversation to say once."""

from __future__ import annotations

import time
from typing import Any

import pytest
from langgraph.checkpoint.memory import InMemorySaver

from agent.deps import AgentDeps
from agent.graph import build_graph
from agent.models.openai_compat import (
    DECLINED_NOTICE,
    INVALID_NOTICE,
    OUTAGE_NOTICE,
    OpenAIModel,
)
from agent.models.port import ModelContext, Turn
from agent.runner import AgentRunner, thread_id
from domain.ports import FixedClock
from slack_app.testing.openai_server import (
    Content,
    FakeOpenAIServer,
    hang,
    invalid_json,
    rate_limited,
    refusal,
    reply,
    server_error,
)
from tests.fakes.models import ScriptedModel
from tests.orgs import NOW, small_directory

CTX = ModelContext(requester_name="Alex Meyer", today="Monday 2026-03-02")
ASKED = [Turn("user", "same access as Priya until Friday")]
PRIYA = {"action": "request", "access_like": "person", "reference": "Priya"}
FALLBACK = "scripted"
MODEL = "openai:gpt-test"
D = small_directory()
ALEX = "alex@t.test"


def adapter(server: FakeOpenAIServer, **kwargs: Any) -> OpenAIModel:
    settings: dict[str, Any] = {
        "timeout": 2.0,
        "attempts": 3,
        "backoff": 0.01,
        "max_backoff": 0.05,
        "cooldown": 60.0,
        "max_retry_after": 2.0,
    }
    return OpenAIModel(
        api_key="sk-test",
        base_url=server.url,
        model="gpt-test",
        fallback=ScriptedModel(turns=[PRIYA] * 20),
        **(settings | kwargs),
    )


def turns_asked(server: FakeOpenAIServer) -> int:
    """Requests made for turns (a background probe sends no response_format)."""
    return sum(1 for body in server.requests if "response_format" in body)


def timed(model: OpenAIModel) -> tuple[Any, float]:
    started = time.monotonic()
    understanding = model.understand(ASKED, CTX)
    return understanding, time.monotonic() - started


# --- refusals and invalid replies -------------------------------------------------------


def test_a_refusal_is_read_not_retried_and_said_as_declined(
    openai_server: FakeOpenAIServer,
) -> None:
    openai_server.script(refusal(), reply(PRIYA))
    model = adapter(openai_server)
    understanding = model.understand(ASKED, CTX)
    assert turns_asked(openai_server) == 1
    assert (understanding.backend, understanding.notice) == (FALLBACK, DECLINED_NOTICE)
    assert model.understand(ASKED, CTX).backend == MODEL  # the endpoint is fine: no circuit


def test_an_invalid_reply_is_not_called_unreachable(openai_server: FakeOpenAIServer) -> None:
    openai_server.script(*[invalid_json()] * 3, reply(PRIYA))
    model = adapter(openai_server)
    understanding = model.understand(ASKED, CTX)
    assert (understanding.backend, understanding.notice) == (FALLBACK, INVALID_NOTICE)
    assert model.understand(ASKED, CTX).backend == MODEL


# --- Retry-After --------------------------------------------------------------------------


def test_a_retry_after_within_the_cap_is_waited_for(openai_server: FakeOpenAIServer) -> None:
    openai_server.script(rate_limited(retry_after=1), reply(PRIYA))
    understanding, elapsed = timed(adapter(openai_server, max_retry_after=2.0))
    assert understanding.backend == MODEL and turns_asked(openai_server) == 2
    assert elapsed >= 1.0


def test_a_retry_after_above_the_cap_falls_back_at_once(openai_server: FakeOpenAIServer) -> None:
    openai_server.script(rate_limited(retry_after=30))
    model = adapter(openai_server, max_retry_after=2.0)
    understanding, elapsed = timed(model)
    assert (understanding.backend, understanding.notice) == (FALLBACK, OUTAGE_NOTICE)
    assert elapsed < 1.0 and turns_asked(openai_server) == 1
    assert timed(model)[0].backend == FALLBACK  # the endpoint asked for 30 s: not asked again
    assert turns_asked(openai_server) == 1


# --- the circuit --------------------------------------------------------------------------


def test_after_a_hang_later_turns_fall_back_at_once(openai_server: FakeOpenAIServer) -> None:
    openai_server.script(hang(5))
    model = adapter(openai_server, timeout=0.5, attempts=1)
    first, _ = timed(model)
    assert (first.backend, first.notice) == (FALLBACK, OUTAGE_NOTICE)
    for _ in range(5):
        later, elapsed = timed(model)
        assert later.backend == FALLBACK and elapsed < 0.2
        assert later.notice == OUTAGE_NOTICE  # each conversation is told (once, by the graph)
        assert later.usage.model_calls == 0 and later.usage.fallbacks == 1
    assert turns_asked(openai_server) == 1


def test_server_errors_open_the_circuit_after_one_turn(openai_server: FakeOpenAIServer) -> None:
    openai_server.script(server_error(), server_error(502), server_error(503))
    model = adapter(openai_server)
    assert model.understand(ASKED, CTX).usage.model_calls == 3
    assert model.understand(ASKED, CTX).usage.model_calls == 0
    assert turns_asked(openai_server) == 3


def test_the_endpoint_is_probed_in_the_background_and_used_again(
    openai_server: FakeOpenAIServer,
) -> None:
    openai_server.script(server_error(), server_error(), Content("pong"), reply(PRIYA))
    model = adapter(openai_server, attempts=1, cooldown=0.1)
    assert model.understand(ASKED, CTX).backend == FALLBACK  # opens the circuit
    assert model.understand(ASKED, CTX).backend == FALLBACK  # at once: no call
    deadline = time.monotonic() + 5
    while model.circuit_open() and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not model.circuit_open()
    probes = [b for b in openai_server.requests if "response_format" not in b]
    assert len(probes) == 2  # the first probe got a 500, the second "pong"
    assert model.understand(ASKED, CTX).backend == MODEL
    model.close()


@pytest.mark.parametrize("behaviour", [refusal(), invalid_json()], ids=["refusal", "invalid"])
def test_a_reply_the_model_got_wrong_does_not_open_the_circuit(
    openai_server: FakeOpenAIServer, behaviour: Any
) -> None:
    openai_server.script(*[behaviour] * 3, reply(PRIYA))
    model = adapter(openai_server)
    model.understand(ASKED, CTX)
    assert not model.circuit_open()


# --- the notice, once per conversation ------------------------------------------------------


def test_each_conversation_hears_of_the_outage_once(openai_server: FakeOpenAIServer) -> None:
    """Every conversation is told, not only the first one of the process, and only once."""
    ask = {"action": "request", "access_like": "person", "reference": "Priya", "duration": "1d"}
    fallback = ScriptedModel(turns=[ask, {"action": "answer", "select_all": True}] * 2)
    model = OpenAIModel(
        api_key="sk-test",
        base_url=openai_server.url,  # answers 500 to everything
        model="gpt-test",
        fallback=fallback,
        attempts=1,
        cooldown=60.0,
    )
    deps = AgentDeps(model=model, directory=lambda: D, clock=FixedClock(NOW))
    runner = AgentRunner(build_graph(deps, checkpointer=InMemorySaver()))
    told = {
        thread: [
            runner.send(thread, ALEX, "same access as priya for a day").notices,
            runner.send(thread, ALEX, "all of them").notices,
        ]
        for thread in (thread_id("dm", "one"), thread_id("dm", "two"))
    }
    model.close()
    assert list(told.values()) == [[[OUTAGE_NOTICE], []], [[OUTAGE_NOTICE], []]]
