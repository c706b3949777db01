"""The webhook connector against the receiver example teams copy (docs/examples)."""

from __future__ import annotations

import importlib.util
import json
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType
from typing import Any

import httpx2
import pytest

from domain.connectors import build_connectors
from domain.connectors.signing import signature
from domain.connectors.webhook import WebhookConnector
from domain.model.directory import Directory
from domain.ports import FixedClock, Outcome, SystemClock, TransientConnectorError
from tests.integration.connectors.org import directory, request

EXAMPLE = Path(__file__).resolve().parents[3] / "docs" / "examples" / "webhook_receiver.py"
SECRET = "s3cret-shared-with-the-receiver"


def load_example() -> ModuleType:
    spec = importlib.util.spec_from_file_location("webhook_receiver", EXAMPLE)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


receiver = load_example()


@dataclass
class Script:
    """What the receiver answers, in turn (then 200), and every event it acted on."""

    answers: list[tuple[int, dict[str, Any]]] = field(default_factory=list)
    events: list[dict[str, Any]] = field(default_factory=list)

    def __call__(self, event: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        self.events.append(event)
        return self.answers.pop(0) if self.answers else (200, {"ok": True})


@pytest.fixture
def script() -> Script:
    return Script()


@pytest.fixture
def url(script: Script) -> Iterator[str]:
    server = receiver.Receiver(("127.0.0.1", 0), SECRET.encode(), script)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/provision"
    server.shutdown()
    server.server_close()


def github(url: str, *, secret: str = SECRET) -> WebhookConnector:
    environ = {"GITHUB_HOOK_URL": url, "GITHUB_HOOK_SECRET": secret}
    connector = build_connectors(directory(), environ).for_app("github")
    assert isinstance(connector, WebhookConnector)
    return connector


def test_grant_and_revoke_post_signed_json_the_receiver_accepts(url: str, script: Script) -> None:
    connector = github(url)
    req, item = request("github:write", "github:priya-r")
    granted = connector.grant(req, item, key="r1:github:write:grant")
    revoked = connector.revoke(req, item, key="r1:github:write:revoke")
    assert (granted.outcome, granted.identity_id) == (Outcome.DONE, "github:priya-r")
    assert revoked.outcome is Outcome.DONE
    grant, revoke = script.events
    assert grant == {
        "id": "r1:github:write:grant",
        "action": "grant",
        "app": "github",
        "entitlement": "github:write",
        "target": "team/backend",
        "account": {"username": "priya-r", "new": False},
        "person": {"id": "priya@acme.test", "name": "Priya Raman"},
        "request": {
            "id": "r1",
            "requester": "omar@acme.test",
            "reason": "New project",
            "end": None,
        },
    }
    assert revoke["action"] == "revoke"


def test_the_same_key_twice_acts_once_at_the_receiver(url: str, script: Script) -> None:
    connector = github(url)
    req, item = request("github:write", "github:priya-r")
    for _ in range(2):
        assert connector.grant(req, item, key="same").outcome is Outcome.DONE
    assert len(script.events) == 1


def test_a_wrong_secret_or_an_old_timestamp_is_refused(url: str, script: Script) -> None:
    req, item = request("github:write", "github:priya-r")
    forged = github(url, secret="guessed").grant(req, item, key="k")
    assert forged.outcome is Outcome.FAILED
    assert "401" in forged.message
    stale = github(url)
    stale.clock = FixedClock(SystemClock().now().replace(year=2020))
    assert stale.grant(req, item, key="k").outcome is Outcome.FAILED
    assert script.events == []


def test_4xx_is_a_failure_with_the_receivers_words_and_5xx_429_are_transient(
    url: str, script: Script
) -> None:
    connector = github(url)
    req, item = request("github:write", "github:priya-r")
    script.answers = [(422, {"error": "no such team"}), (503, {}), (429, {})]
    refused = connector.grant(req, item, key="a")
    assert refused.outcome is Outcome.FAILED
    assert "422" in refused.message and "no such team" in refused.message
    for _ in range(2):
        with pytest.raises(TransientConnectorError):
            connector.grant(req, item, key="b")
    assert connector.grant(req, item, key="b").outcome is Outcome.DONE


def test_an_unreachable_receiver_is_transient() -> None:
    req, item = request("github:write", "github:priya-r")
    with pytest.raises(TransientConnectorError):
        github("http://127.0.0.1:1/provision").grant(req, item, key="k")


def test_a_new_account_takes_the_name_the_receiver_gives(url: str, script: Script) -> None:
    script.answers = [(201, {"username": "nadia-p"})]
    req, item = request("github:write", "new", beneficiary="new.hire@acme.test")
    result = github(url).grant(req, item, key="k")
    assert result.identity_id == "github:nadia-p"
    assert script.events[0]["account"] == {"username": "new.hire", "new": True}


def test_the_signature_covers_the_timestamp_and_the_exact_body(url: str) -> None:
    """What docs/webhooks.md promises, checked on the wire rather than in our code."""
    connector = github(url)
    req, item = request("github:write", "github:priya-r")
    body = connector.body("grant", req, item, "k")
    seen: list[httpx2.Request] = []

    def capture(sent: httpx2.Request) -> httpx2.Response:
        seen.append(sent)
        return httpx2.Response(204)

    connector.client = httpx2.Client(transport=httpx2.MockTransport(capture))
    assert connector.grant(req, item, key="k").outcome is Outcome.DONE
    [sent] = seen
    stamp = sent.headers["X-Access-Agent-Timestamp"]
    assert sent.content == body
    assert json.loads(body)["id"] == sent.headers["Idempotency-Key"] == "k"
    assert sent.headers["X-Access-Agent-Signature"] == signature(SECRET.encode(), stamp, body)
    assert receiver.expected_signature(SECRET.encode(), stamp, body) == signature(
        SECRET.encode(), stamp, body
    )


def test_without_its_secret_the_app_fails_with_a_clear_message() -> None:
    connectors = build_connectors(Directory(directory().data), {"GITHUB_HOOK_URL": "https://x"})
    req, item = request("github:write", "github:priya-r")
    result = connectors.for_app("github").grant(req, item, key="k")
    assert result.outcome is Outcome.FAILED
    assert "GITHUB_HOOK_SECRET not set" in result.message
    assert [(i.app_id, i.blocking) for i in connectors.issues] == [
        ("vpn", True),
        ("jira", True),
        ("github", True),
    ]
