"""Bounded model replies: `max_tokens` on every call, a cap on the reply's size, and a
bound on every field of the Ask, so a huge reply is refused as invalid, fast.

The stand-in is the loopback server answering with what a broken or hostile endpoint
might: a 5 MB `reason`, a 5 MB list of entitlements.
"""

from __future__ import annotations

import json
import time
from typing import get_args, get_origin

import pytest
from annotated_types import MaxLen
from pydantic import ValidationError

from agent.ask import Ask
from agent.models.openai_compat import OpenAIModel
from agent.models.port import ModelContext, Turn
from agent.models.reply_bounds import BoundedAsk, read_reply
from slack_app.testing.openai_server import Content, FakeOpenAIServer, reply
from tests.fakes.models import ScriptedModel

CTX = ModelContext(requester_name="Alex Meyer", today="Monday 2026-03-02")
ASKED = [Turn("user", "I need jira for 2 weeks")]
JIRA = {"action": "request", "access_like": "custom", "entitlements": ["jira"]}
MB = 1024 * 1024


def adapter(server: FakeOpenAIServer, **kwargs: int) -> OpenAIModel:
    return OpenAIModel(
        api_key="sk-test",
        base_url=server.url,
        model="gpt-test",
        fallback=ScriptedModel(turns=[JIRA] * 3),
        timeout=5.0,
        attempts=1,
        **kwargs,  # type: ignore[arg-type]
    )


def raw(ask: dict[str, object]) -> Content:
    """`ask` as JSON, unvalidated: what a model that ignores the schema's bounds sends."""
    return Content(json.dumps(ask))


def test_every_call_sets_max_tokens(openai_server: FakeOpenAIServer) -> None:
    openai_server.script(reply(JIRA))
    adapter(openai_server, max_tokens=321).understand(ASKED, CTX)
    assert openai_server.requests[0]["max_tokens"] == 321


@pytest.mark.parametrize(
    "huge",
    [
        {"action": "request", "entitlements": ["jira"], "reason": "x" * (5 * MB)},
        {"action": "request", "entitlements": ["jira"] * (MB // 7)},
    ],
    ids=["5MB-reason", "5MB-entitlements"],
)
def test_a_huge_reply_is_refused_as_invalid_fast(
    openai_server: FakeOpenAIServer, huge: dict[str, object]
) -> None:
    openai_server.script(raw(huge))
    started = time.monotonic()
    understanding = adapter(openai_server).understand(ASKED, CTX)
    assert time.monotonic() - started < 2.0
    assert understanding.backend == "scripted"  # the fallback answered
    assert understanding.ask.entitlements == ["jira"]


@pytest.mark.parametrize(
    "field_value",
    [
        ("reason", "x" * 20_000),
        ("justification", "x" * 20_000),
        ("beneficiary", "x" * 1_000),
        ("reference", "x" * 1_000),
        ("duration", "x" * 1_000),
        ("entitlements", ["jira"] * 500),
        ("entitlements", ["x" * 1_000]),
        ("selection", ["1"] * 500),
        ("identity_hints", ["a"] * 500),
    ],
)
def test_every_field_of_the_ask_is_bounded(field_value: tuple[str, object]) -> None:
    name, value = field_value
    with pytest.raises(ValidationError):
        read_reply(json.dumps({"action": "request", name: value}))


def test_every_string_and_list_field_has_a_bound() -> None:
    """Also fields added to `Ask` later: the bounds are built from its fields."""
    texts = [n for n, f in Ask.model_fields.items() if _holds_text(f.annotation)]
    assert {"reason", "entitlements", "changes", "justification"} <= set(texts)
    for name in texts:
        assert any(isinstance(m, MaxLen) for m in BoundedAsk.model_fields[name].metadata), name


def _holds_text(annotation: object) -> bool:
    return annotation is str or str in get_args(annotation) or get_origin(annotation) is list


def test_an_oversized_field_under_the_size_cap_is_an_invalid_reply(
    openai_server: FakeOpenAIServer,
) -> None:
    openai_server.script(raw({"action": "request", "reason": "x" * 20_000}))
    assert adapter(openai_server).understand(ASKED, CTX).backend == "scripted"
