"""Which model the eval plays against: `offline`, `openai`, or a factory named `MODULE:FUNCTION`.

A factory takes the directory provider and returns a fresh `Model`; the runner calls it
once per case run, so nothing (a script, an outage flag) leaks from one run to the next.
Backends are imported only when chosen, so a missing one is a clear error, not a crash.

The `MODULE:FUNCTION` form is the plug-in hook: tests pass a scripted model with
`--model tests.unit.evals.scripted:factory`, and anyone can score their own adapter.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from agent.models.limits import COOLDOWN, MAX_REPLY_BYTES, MAX_RETRY_AFTER, MAX_TOKENS
from agent.models.port import Model
from domain.model.directory import Directory

DirectoryProvider = Callable[[], Directory]
ModelFactory = Callable[[DirectoryProvider], Model]


class ModelUnavailable(Exception):
    """The chosen backend cannot be built here (not installed, not configured)."""


@dataclass(frozen=True)
class OpenAIConfig:
    api_key: str | None = None
    base_url: str | None = None
    model: str = "gpt-4o-mini"
    timeout: float = 20.0
    max_tokens: int = MAX_TOKENS
    max_reply_bytes: int = MAX_REPLY_BYTES
    cooldown: float = COOLDOWN
    max_retry_after: float = MAX_RETRY_AFTER


@dataclass(frozen=True)
class NamedFactory:
    """A model factory and the name the report shows for it."""

    name: str
    build: ModelFactory

    def __call__(self, directory: DirectoryProvider) -> Model:
        return self.build(directory)


def model_factory(choice: str, *, openai: OpenAIConfig | None = None) -> NamedFactory:
    if choice == "offline":
        return NamedFactory("offline", _offline_class())
    if choice == "openai":
        return _openai(openai or OpenAIConfig())
    if ":" in choice:
        return NamedFactory(choice, _plugin(choice))
    raise ModelUnavailable(f"unknown model {choice!r}: use offline, openai or MODULE:FUNCTION")


def _offline_class() -> ModelFactory:
    found = _import("agent.models.offline", "OfflineModel", backend="offline")
    return found  # type: ignore[no-any-return]


def _openai(config: OpenAIConfig) -> NamedFactory:
    if not config.api_key:
        raise ModelUnavailable(
            "--model openai needs OPENAI_API_KEY (OPENAI_BASE_URL, OPENAI_MODEL optional)"
        )
    openai_model = _import("agent.models.openai_compat", "OpenAIModel", backend="openai")
    offline = _offline_class()

    def build(directory: DirectoryProvider) -> Model:
        return openai_model(  # type: ignore[no-any-return]
            api_key=config.api_key,
            base_url=config.base_url,
            model=config.model,
            fallback=offline(directory),
            timeout=config.timeout,
            max_tokens=config.max_tokens,
            max_reply_bytes=config.max_reply_bytes,
            cooldown=config.cooldown,
            max_retry_after=config.max_retry_after,
        )

    return NamedFactory(f"openai:{config.model}", build)


def _plugin(spec: str) -> ModelFactory:
    module, _, name = spec.partition(":")
    found = _import(module, name, backend=spec)
    if not callable(found):
        raise ModelUnavailable(f"model factory {spec} is not callable")
    return found  # type: ignore[no-any-return]


def _import(module: str, name: str, *, backend: str) -> Any:
    try:
        loaded = importlib.import_module(module)
    except ImportError as exc:
        raise ModelUnavailable(f"model backend {backend!r} is not available: {exc}") from exc
    found = getattr(loaded, name, None)
    if found is None:
        raise ModelUnavailable(f"model backend {backend!r} is not available: {module}.{name}")
    return found
