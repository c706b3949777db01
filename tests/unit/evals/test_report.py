"""Metrics and the report's shape: report.json's top level is a public interface."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from evals.cases import load_case_files
from evals.expect import Expect
from evals.metrics import percentile, summarise
from evals.report import build_report, write_report
from evals.run import RunResult
from evals.score import Score
from evals.suite import CaseResult, ScoredRun, run_suite, selected
from tests.unit.evals.conftest import CASES
from tests.unit.evals.scripted import factory

[FILE] = load_case_files([CASES])
SUMMARY_KEYS = {
    "cases",
    "runs",
    "k",
    "outcome_accuracy",
    "exact_match",
    "pass_k",
    "safety_violations",
    "slot_accuracy",
    "latency_ms",
    "model_calls_per_case",
    "prompt_tokens_per_case",
}


def synthetic(exacts: list[list[bool]], tags: list[str]) -> list[CaseResult]:
    """One case result per row; each bool one run's exactness."""
    base = FILE.cases[0]
    results = []
    for n, row in enumerate(exacts):
        case = base.model_copy(update={"id": f"c{n}", "tags": tags})
        runs = [
            ScoredRun(RunResult(latency_ms=[float(n + 1)]), Score(True, {"end": ok})) for ok in row
        ]
        results.append(CaseResult(FILE, case, runs))
    return results


def test_pass_k_with_k_3() -> None:
    results = synthetic([[True, True, True], [True, False, True], [False, False, False]], [])
    summary = summarise(results, k=3)
    assert summary["exact_match"] == pytest.approx(5 / 9)
    assert summary["pass_k"] == pytest.approx(1 / 3)
    assert summary["outcome_accuracy"] == 1.0
    assert summary["slot_accuracy"] == {"end": pytest.approx(5 / 9)}


def test_percentiles() -> None:
    assert percentile([], 50) == 0.0
    assert percentile([5.0], 95) == 5.0
    assert percentile([1.0, 2.0, 3.0, 4.0], 50) == 2.5
    assert percentile([float(n) for n in range(1, 101)], 95) == pytest.approx(95.05)


def test_report_json_shape(tmp_path: Path) -> None:
    results = run_suite(selected([FILE]), model_factory=factory, k=2)
    report = build_report(results, k=2, model="scripted")
    as_json, as_md = write_report(report, tmp_path / "out")
    data = json.loads(as_json.read_text())
    assert list(data)[:3] == ["summary", "by_tag", "cases"]
    assert set(data) <= {"summary", "by_tag", "cases", "by_file", "model", "git"}
    assert set(data["summary"]) >= SUMMARY_KEYS
    assert set(data["summary"]["latency_ms"]) == {"p50", "p95"}
    assert data["summary"]["k"] == 2 and data["summary"]["runs"] == 10
    for rate in ("outcome_accuracy", "exact_match", "pass_k"):
        assert 0 <= data["summary"][rate] <= 1
    assert data["by_tag"]["duration:temporary"]["cases"] == 2
    assert 0 <= data["by_tag"]["duration:temporary"]["exact_match"] <= 1
    first = data["cases"][0]
    assert {"id", "tags", "expected", "runs"} <= set(first)
    assert first["expected"]["proposal"]["end"] == "2026-03-06"
    assert "reason" not in first["expected"]["proposal"]  # only what the case listed
    assert {"exact", "got", "transcript"} <= set(first["runs"][0])
    assert data["model"] == "scripted"
    assert "| slot " in as_md.read_text() and "## By tag" in as_md.read_text()


def test_failing_cases_show_in_the_markdown(tmp_path: Path) -> None:
    results = synthetic([[True], [False]], ["t"])
    results[1].runs[0].run.got = {"outcome": "proposal", "end": "2026-03-07"}
    _, as_md = write_report(build_report(results, k=1), tmp_path)
    text = as_md.read_text()
    assert "## Failing cases" in text and "c1" in text and "wrong: end" in text


def test_expected_is_what_the_case_listed() -> None:
    expect = Expect.model_validate({"outcome": "refuse"})
    assert expect.model_dump(mode="json", exclude_unset=True) == {"outcome": "refuse"}
