"""One understanding call replayed from a vcrpy cassette, through the real `openai` client.

By default the test replays `tests/cassettes/openai_understand.yaml` (record_mode "none":
nothing leaves the machine). Two switches re-record it:

    RECORD_CASSETTES=loopback  records against the loopback stand-in (no key needed)
    RECORD_CASSETTES=1         records against a real endpoint: OPENAI_API_KEY, and
                               OPENAI_BASE_URL / OPENAI_MODEL when not OpenAI's defaults

Requests match on method and path only, so the replay is independent of the port and
host it was recorded against; the Authorization header never reaches the file.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
import vcr

from agent.models.openai_compat import OpenAIModel
from agent.models.port import ModelContext, Turn
from agent.prompts import load_prompt
from slack_app.testing.openai_server import FakeOpenAIServer, reply
from tests.fakes.models import ScriptedModel

CASSETTE = Path(__file__).parents[1] / "cassettes" / "openai_understand.yaml"
MODE = os.environ.get("RECORD_CASSETTES", "")
COMMAND = (
    "OPENAI_API_KEY=... RECORD_CASSETTES=1 "
    ".venv/bin/python -m pytest tests/integration/test_openai_cassette.py"
)
SECRET_HEADERS = ["authorization", "openai-organization", "openai-project", "cookie"]
DROPPED_RESPONSE_HEADERS = {"set-cookie", "openai-organization", "openai-project"}
ASKED = [Turn("user", "same access as Priya but temporary until Friday")]
CTX = ModelContext(requester_name="Alex Meyer", today="Monday 2026-03-02", reasons=("New project",))
LOOPBACK_ASK = {
    "action": "request",
    "kind": "grant",
    "access_like": "person",
    "reference": "Priya",
    "duration": "temporary until Friday",
}


def without_secret_headers(response: dict[str, Any]) -> dict[str, Any]:
    headers = response.get("headers", {})
    response["headers"] = {
        k: v for k, v in headers.items() if k.lower() not in DROPPED_RESPONSE_HEADERS
    }
    return response


def recorder(record_mode: str) -> vcr.VCR:
    return vcr.VCR(
        record_mode=record_mode,
        match_on=["method", "path"],
        filter_headers=SECRET_HEADERS,
        before_record_response=without_secret_headers,
        decode_compressed_response=True,
    )


def header(source: str, model: str) -> str:
    prompt = load_prompt("understand")
    when = datetime.now(UTC).date().isoformat()
    return (
        f"# This cassette was recorded against {source}.\n"
        f"# Recorded {when}, model {model!r}, prompt {prompt.name} v{prompt.version}"
        f" (sha256 {prompt.sha256}).\n"
        "# To re-record against a real OpenAI-compatible endpoint (needs a key):\n"
        f"#   {COMMAND}\n"
        "# (OPENAI_BASE_URL / OPENAI_MODEL pick another endpoint or model;\n"
        "# RECORD_CASSETTES=loopback re-records against the stand-in, no key needed.)\n"
    )


LOOPBACK_SOURCE = (
    "the project's loopback OpenAI-compatible stand-in\n"
    "# (slack_app/testing/openai_server.py), NOT a real model: its reply is scripted and its\n"
    "# token counts are the fake's own approximation"
)


@pytest.fixture
def endpoint() -> Iterator[tuple[str, str, str, str]]:
    """(base_url, api_key, model, source) for this run; a loopback server when needed."""
    if MODE == "1":
        model = os.environ.get("OPENAI_MODEL", "gpt-4.1-mini")
        base_url = os.environ.get("OPENAI_BASE_URL", "https://api.openai.com/v1")
        yield base_url, os.environ["OPENAI_API_KEY"], model, f"{base_url} (a real endpoint)"
    elif MODE == "loopback":
        with FakeOpenAIServer() as server:
            server.script(reply(LOOPBACK_ASK))
            yield server.url, "sk-loopback-not-a-key", "gpt-4.1-mini", LOOPBACK_SOURCE
    else:  # replay: never contacted, vcr answers from the cassette
        yield "http://127.0.0.1:9/v1", "sk-replay-not-a-key", "gpt-4.1-mini", ""


def test_understanding_replays_from_cassette(endpoint: tuple[str, str, str, str]) -> None:
    base_url, api_key, model_name, source = endpoint
    model = OpenAIModel(
        api_key=api_key,
        base_url=base_url,
        model=model_name,
        fallback=ScriptedModel(turns=[]),  # raises if asked: the cassette must answer
        attempts=1,
    )
    with recorder("all" if MODE else "none").use_cassette(str(CASSETTE)):
        understanding = model.understand(ASKED, CTX)
    if MODE:
        CASSETTE.write_text(header(source, model_name) + CASSETTE.read_text())
    ask = understanding.ask
    assert understanding.backend == f"openai:{model_name}" and understanding.notice is None
    assert (ask.action, ask.access_like) == ("request", "person")
    assert ask.reference is not None and "Priya" in ask.reference
    assert ask.duration and "Friday" in ask.duration
    assert understanding.usage.model_calls == 1 and understanding.usage.prompt_tokens > 0


def test_cassette_holds_no_credentials() -> None:
    text = CASSETTE.read_text()
    assert text.startswith("# This cassette was recorded against")
    assert "authorization" not in text.lower()
    assert "sk-" not in text


def test_recording_filters_credentials(openai_server: FakeOpenAIServer, tmp_path: Path) -> None:
    openai_server.script(reply(LOOPBACK_ASK))
    model = OpenAIModel(
        api_key="sk-secret-value",
        base_url=openai_server.url,
        model="gpt-4.1-mini",
        fallback=ScriptedModel(turns=[]),
    )
    cassette = tmp_path / "recorded.yaml"
    with recorder("all").use_cassette(str(cassette)):
        model.understand(ASKED, CTX)
    assert openai_server.headers[0]["authorization"] == "Bearer sk-secret-value"
    text = cassette.read_text()
    assert "sk-secret-value" not in text and "authorization" not in text.lower()
