"""Shared fixtures. Loopback servers start per test and are closed after it."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from slack_app.testing.openai_server import FakeOpenAIServer


@pytest.fixture
def openai_server() -> Iterator[FakeOpenAIServer]:
    """A loopback OpenAI-compatible server (`.url`, `.script(...)`, `.requests`)."""
    with FakeOpenAIServer() as server:
        yield server


from slack_app.testing.slack_api import FakeSlackAPI, demo_users  # noqa: E402


@pytest.fixture
def slack_api() -> Iterator[FakeSlackAPI]:
    """A loopback Slack Web API (`.url` ends in "/api/", `.calls(method)`, `.fail_once`),
    with the demo org's people as Slack users (Kai Lund, who has no slack_id, is U02KAI)."""
    with FakeSlackAPI(demo_users()) as server:
        yield server
