"""Shared fixtures. Loopback servers start per test and are closed after it."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.fakes.openai_server import FakeOpenAIServer


@pytest.fixture
def openai_server() -> Iterator[FakeOpenAIServer]:
    """A loopback OpenAI-compatible server (`.url`, `.script(...)`, `.requests`)."""
    with FakeOpenAIServer() as server:
        yield server
