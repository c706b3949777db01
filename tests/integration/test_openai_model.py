"""The OpenAI adapter through the real `openai` client against the loopback fake server."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from typing import Any

import jsonschema
import pytest

from agent.ask import Ask
from agent.models.openai_compat import INVALID_NOTICE, OUTAGE_NOTICE, OpenAIModel, strict_schema
from agent.models.port import ModelContext, Turn
from agent.prompts import load_prompt
from slack_app.testing.openai_server import (
    FakeOpenAIServer,
    Status,
    hang,
    invalid_json,
    rate_limited,
    reply,
    server_error,
)
from tests.fakes.models import ScriptedModel

CTX = ModelContext(
    requester_name="Alex Meyer", today="Monday 2026-03-02", reasons=("New project", "On-call")
)
PRIYA = {
    "action": "request",
    "access_like": "person",
    "reference": "Priya",
    "duration": "until Friday",
}
OFFLINE = {"action": "request", "access_like": "person", "reference": "Priya"}
ASKED = [Turn("user", "same access as Priya until Friday")]


def adapter(
    server: FakeOpenAIServer,
    *,
    fallback: ScriptedModel | None = None,
    timeout: float = 2.0,
    attempts: int = 3,
) -> OpenAIModel:
    return OpenAIModel(
        api_key="sk-test",
        base_url=server.url,
        model="gpt-test",
        fallback=fallback or ScriptedModel(turns=[]),
        timeout=timeout,
        attempts=attempts,
        backoff=0.01,
        max_backoff=0.05,
    )


def offline(n: int = 1) -> ScriptedModel:
    return ScriptedModel(turns=[OFFLINE] * n, name="offline")


# --- happy path and request shape ---------------------------------------------------------


def test_reply_parses_into_an_ask_and_reports_usage(openai_server: FakeOpenAIServer) -> None:
    openai_server.script(reply(PRIYA), reply(PRIYA))
    model = adapter(openai_server)
    first = model.understand(ASKED, CTX)
    assert first.ask == Ask.model_validate(PRIYA)
    assert (first.backend, first.notice) == ("openai:gpt-test", None)
    assert first.usage.model_calls == 1
    assert first.usage.prompt_tokens > 1000 and first.usage.completion_tokens > 0
    assert first.usage.cached_tokens == 0
    second = model.understand(ASKED, CTX)
    assert 0 < second.usage.cached_tokens <= second.usage.prompt_tokens
    assert openai_server.headers[0]["authorization"] == "Bearer sk-test"


def test_system_prompt_is_a_byte_identical_prefix(openai_server: FakeOpenAIServer) -> None:
    openai_server.script(reply(PRIYA), reply({"action": "answer", "selection": ["2"]}))
    model = adapter(openai_server)
    model.understand(ASKED, CTX)
    later = ModelContext(
        requester_name="Sam Lee",
        today="Tuesday 2026-03-03",
        pending_question="Which grants do you want?",
        pending_slots=("entitlements",),
        choices=("GitHub write", "AWS dev power-user"),
        stage="clarify",
    )
    model.understand(
        [*ASKED, Turn("assistant", "Which grants?"), Turn("user", "the second one")], later
    )
    first, second = (r["messages"] for r in openai_server.requests)
    assert first[0] == second[0] == {"role": "system", "content": load_prompt("understand").text}
    # a question is open: the earlier user message goes too, the bot's reply never does
    assert [m["role"] for m in second] == ["system", "user", "user", "system"]
    context = json.loads(second[-1]["content"].split("\n", 1)[1])
    assert context["requester"] == "Sam Lee" and context["today"] == "Tuesday 2026-03-03"
    assert context["choices"] == ["1. GitHub write", "2. AWS dev power-user"]
    assert "2026-03" not in first[0]["content"]


def test_request_asks_for_strict_json_schema(openai_server: FakeOpenAIServer) -> None:
    openai_server.script(reply(PRIYA))
    adapter(openai_server).understand(ASKED, CTX)
    body = openai_server.requests[0]
    assert body["model"] == "gpt-test"
    assert body["response_format"] == {
        "type": "json_schema",
        "json_schema": {
            "name": "ask",
            "strict": True,
            "schema": strict_schema(Ask.model_json_schema()),
        },
    }


# --- retries and fallback -----------------------------------------------------------------


def test_rate_limit_then_success_retries_once(openai_server: FakeOpenAIServer) -> None:
    openai_server.script(rate_limited(retry_after=0.01), reply(PRIYA))
    understanding = adapter(openai_server).understand(ASKED, CTX)
    assert understanding.usage.model_calls == 2
    assert understanding.backend == "openai:gpt-test" and understanding.notice is None
    assert understanding.ask.reference == "Priya"


def test_server_errors_fall_back_and_open_the_circuit(
    openai_server: FakeOpenAIServer,
) -> None:
    fallback = offline(3)
    model = adapter(openai_server, fallback=fallback)
    openai_server.script(server_error(), server_error(502), server_error(503))
    first = model.understand(ASKED, CTX)
    assert (first.backend, first.notice, first.usage.model_calls) == ("scripted", OUTAGE_NOTICE, 3)
    assert first.ask == Ask.model_validate(OFFLINE)
    assert fallback.asked == [(ASKED, CTX)]

    second = model.understand(ASKED, CTX)  # still down: no call, the notice for its conversation
    assert (second.backend, second.notice, second.usage.model_calls) == (
        "scripted",
        OUTAGE_NOTICE,
        0,
    )
    assert len(openai_server.requests) == 3
    model.close()


def test_timeouts_are_bounded_then_fall_back(openai_server: FakeOpenAIServer) -> None:
    openai_server.script(hang(5), hang(5))
    model = adapter(openai_server, fallback=offline(), timeout=0.3, attempts=2)
    started = time.monotonic()
    understanding = model.understand(ASKED, CTX)
    elapsed = time.monotonic() - started
    assert elapsed < 0.3 * 2 + 0.5
    assert understanding.usage.model_calls == 2
    assert (understanding.backend, understanding.notice) == ("scripted", OUTAGE_NOTICE)


@pytest.mark.parametrize("content", [invalid_json().text, '{"action": "approve"}', '"yes"'])
def test_invalid_content_is_retried_then_falls_back(
    openai_server: FakeOpenAIServer, content: str
) -> None:
    openai_server.script(*[invalid_json(content)] * 3)
    understanding = adapter(openai_server, fallback=offline()).understand(ASKED, CTX)
    assert understanding.usage.model_calls == 3
    assert understanding.usage.prompt_tokens > 0  # the bad replies' tokens were spent too
    assert (understanding.backend, understanding.notice) == ("scripted", INVALID_NOTICE)


def test_invalid_content_then_valid_reply(openai_server: FakeOpenAIServer) -> None:
    openai_server.script(invalid_json(), reply(PRIYA))
    understanding = adapter(openai_server).understand(ASKED, CTX)
    assert (understanding.backend, understanding.usage.model_calls) == ("openai:gpt-test", 2)


@pytest.mark.parametrize("code", [400, 401, 404])
def test_client_errors_are_not_retried(openai_server: FakeOpenAIServer, code: int) -> None:
    openai_server.script(Status(code), reply(PRIYA))
    understanding = adapter(openai_server, fallback=offline()).understand(ASKED, CTX)
    assert len(openai_server.requests) == 1
    assert understanding.usage.model_calls == 1
    assert (understanding.backend, understanding.notice) == ("scripted", OUTAGE_NOTICE)


def test_unreachable_server_falls_back_quickly() -> None:
    with FakeOpenAIServer() as server:
        url = server.url
    model = OpenAIModel(
        api_key="sk-test",
        base_url=url,
        model="gpt-test",
        fallback=offline(),
        timeout=0.5,
        attempts=2,
    )
    started = time.monotonic()
    understanding = model.understand(ASKED, CTX)
    assert time.monotonic() - started < 0.5 * 2 + 4.0
    assert understanding.backend == "scripted" and understanding.usage.model_calls == 2


# --- strict schema conversion (no I/O) ----------------------------------------------------


def objects(schema: Any) -> Iterator[dict[str, Any]]:
    if isinstance(schema, dict):
        if schema.get("type") == "object" or "properties" in schema:
            yield schema
        for value in schema.values():
            yield from objects(value)
    elif isinstance(schema, list):
        for value in schema:
            yield from objects(value)


def keys(schema: Any) -> set[str]:
    if isinstance(schema, dict):
        return set(schema) | {k for v in schema.values() for k in keys(v)}
    if isinstance(schema, list):
        return {k for v in schema for k in keys(v)}
    return set()


def test_strict_schema_requires_everything_and_forbids_extras() -> None:
    schema = strict_schema(Ask.model_json_schema())
    found = list(objects(schema))
    assert found
    for obj in found:
        assert obj["additionalProperties"] is False
        assert set(obj["required"]) == set(obj["properties"])
    assert "default" not in keys(schema)
    nullable = {
        name for name, p in schema["properties"].items() if {"type": "null"} in p.get("anyOf", [])
    }
    assert nullable == {
        "kind",
        "beneficiary",
        "access_like",
        "reference",
        "duration",
        "reason",
        "query",
        "justification",
        "refusal",
    }
    assert schema["properties"]["entitlements"]["type"] == "array"
    assert schema["properties"]["changes"]["type"] == "array"  # each a strict Change
    assert schema["properties"]["select_all"]["type"] == "boolean"


def test_strict_schema_accepts_exactly_what_ask_accepts() -> None:
    schema = strict_schema(Ask.model_json_schema())
    full = Ask.model_validate(PRIYA).model_dump(mode="json")
    jsonschema.validate(full, schema)
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(PRIYA, schema)  # strict: every field must be written
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate({**full, "approved": True}, schema)


def test_strict_schema_walks_nested_objects_and_defs() -> None:
    schema = {
        "type": "object",
        "properties": {
            "inner": {"$ref": "#/$defs/Inner"},
            "maybe": {"type": "integer", "default": None},
            "items": {
                "type": "array",
                "items": {"type": "object", "properties": {"a": {"type": "string"}}},
            },
        },
        "required": ["inner"],
        "$defs": {
            "Inner": {"type": "object", "title": "Inner", "properties": {"x": {"type": "string"}}}
        },
    }
    strict = strict_schema(schema)
    assert strict["properties"]["maybe"] == {"anyOf": [{"type": "integer"}, {"type": "null"}]}
    for obj in objects(strict):
        assert obj["additionalProperties"] is False
        assert set(obj["required"]) == set(obj["properties"])
    assert "title" not in strict["$defs"]["Inner"]
