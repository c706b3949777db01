"""The model factory: built-in backends by name, a plug-in by MODULE:FUNCTION."""

from __future__ import annotations

import pytest

from evals.cases import load_case_files
from evals.models import ModelUnavailable, OpenAIConfig, model_factory
from tests.unit.evals.conftest import CASES

[FILE] = load_case_files([CASES])


def directory():  # type: ignore[no-untyped-def]
    return FILE.org.directory


def test_offline_builds_the_offline_model() -> None:
    factory = model_factory("offline")
    assert factory.name == "offline"
    assert factory(directory).name == "offline"


def test_openai_needs_a_key() -> None:
    with pytest.raises(ModelUnavailable, match="OPENAI_API_KEY"):
        model_factory("openai", openai=OpenAIConfig())


def test_openai_is_named_by_its_model() -> None:
    config = OpenAIConfig(api_key="k", base_url="http://127.0.0.1:9/v1", model="m")
    factory = model_factory("openai", openai=config)
    assert factory.name == "openai:m"
    assert factory(directory).name == "openai:m"


def test_a_plugin_factory_by_module_and_function() -> None:
    factory = model_factory("tests.unit.evals.scripted:factory")
    assert factory(directory).name == "scripted"


@pytest.mark.parametrize(
    ("choice", "message"),
    [
        ("gpt", "unknown model 'gpt'"),
        ("no.such.module:factory", "not available: No module named 'no'"),
        ("tests.unit.evals.scripted:absent", "scripted.absent"),
        ("tests.unit.evals.scripted:PROMPT_TOKENS", "not callable"),
    ],
)
def test_unavailable_backends_are_clear_errors(choice: str, message: str) -> None:
    with pytest.raises(ModelUnavailable, match=message):
        model_factory(choice)
