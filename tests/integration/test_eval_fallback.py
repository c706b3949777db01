"""`access-agent eval --model openai` never scores the offline model under the model's name.

The loopback endpoint answers 500 to everything, so every turn falls back to the offline
model: the eval says so, in the summary and report.md, and fails unless told
`--allow-fallback`.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from slack_app.cli import main
from slack_app.testing.openai_server import FakeOpenAIServer
from tests.unit.evals.conftest import CASES


@pytest.fixture
def failing_endpoint(
    monkeypatch: pytest.MonkeyPatch, openai_server: FakeOpenAIServer
) -> FakeOpenAIServer:
    """The fake answers 500 once its script is empty, i.e. always."""
    monkeypatch.setenv("OPENAI_API_KEY", "test-key")
    monkeypatch.setenv("OPENAI_BASE_URL", openai_server.url)
    monkeypatch.setenv("OPENAI_MODEL", "fake-model")
    monkeypatch.setenv("OPENAI_TIMEOUT", "2")
    return openai_server


def run_eval(tmp_path: Path, *extra: str) -> int:
    args = ["eval", str(CASES), "--model", "openai", "--tag", "refusal"]
    return main([*args, "--report", str(tmp_path), *extra])


def test_an_eval_that_fell_back_fails_and_says_how_often(
    tmp_path: Path, failing_endpoint: FakeOpenAIServer, capsys: pytest.CaptureFixture[str]
) -> None:
    code = run_eval(tmp_path)
    captured = capsys.readouterr()
    report = json.loads((tmp_path / "report.json").read_text())
    turns = report["summary"]["turns"]
    assert code == 1
    assert turns > 0 and report["summary"]["fallback_turns"] == turns
    assert f"{turns} of {turns} turn(s) fell back" in captured.err
    assert "100.0%" not in captured.out  # no figure shown as the model's
    md = (tmp_path / "report.md").read_text()
    assert f"{turns} of {turns} turn(s) fell back to the offline model" in md
    assert md.startswith("# Eval report (openai:fake-model") and "NOT" in md.splitlines()[0]


def test_allow_fallback_reports_the_figures_with_the_count(
    tmp_path: Path, failing_endpoint: FakeOpenAIServer, capsys: pytest.CaptureFixture[str]
) -> None:
    code = run_eval(tmp_path, "--allow-fallback")
    out = capsys.readouterr().out
    report = json.loads((tmp_path / "report.json").read_text())
    assert code == 0
    assert report["summary"]["fallback_turns"] == report["summary"]["turns"] > 0
    assert "fell back to the offline model" in out and "## Summary" in out
    assert "fell back to the offline model" in (tmp_path / "report.md").read_text()
