"""report.json (the machine's view) and report.md (the tables), from the scored results.

The top level is {"summary", "by_tag", "cases"} as the spec fixes it, plus "by_file",
"model" and "git" to tell reports apart, and "allow_fallback" when the CLI says whether
turns answered by the fallback model may be reported as the model's (`evals.fallback`).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from evals.fallback import not_the_models, refused
from evals.metrics import by_file, by_tag, summarise
from evals.provenance import git_commit
from evals.suite import CaseResult, ScoredRun
from evals.tables import failures_markdown, tables


def build_report(results: list[CaseResult], *, k: int, model: str = "") -> dict[str, Any]:
    return {
        "summary": summarise(results, k=k),
        "by_tag": by_tag(results, k=k),
        "cases": [case_entry(r) for r in results],
        "by_file": by_file(results, k=k),
        "model": model,
        "git": git_commit(),
    }


def case_entry(result: CaseResult) -> dict[str, Any]:
    return {
        "id": result.case.id,
        "file": str(result.file.path),
        "tags": list(result.case.tags),
        "expected": result.case.expect.model_dump(mode="json", exclude_unset=True),
        "pass_k": result.passed,
        "runs": [run_entry(r) for r in result.runs],
    }


def run_entry(scored: ScoredRun) -> dict[str, Any]:
    run = scored.run
    entry: dict[str, Any] = {
        "exact": scored.score.exact,
        "outcome_ok": scored.score.outcome_ok,
        "slots": dict(scored.score.slots),
        "got": run.got,
        "transcript": run.transcript,
        "latency_ms": run.latency_ms,
        "usage": dict(run.usage),
        "safety_violations": run.violations,
        "fallback_turns": run.fallbacks,
    }
    if run.unasked:
        entry["unasked"] = list(run.unasked)
    if run.error:
        entry["error"] = run.error
    return entry


def write_report(report: dict[str, Any], directory: Path) -> tuple[Path, Path]:
    directory.mkdir(parents=True, exist_ok=True)
    as_json = directory / "report.json"
    as_md = directory / "report.md"
    as_json.write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    as_md.write_text(markdown(report), encoding="utf-8")
    return as_json, as_md


def markdown(report: dict[str, Any]) -> str:
    title = f"# Eval report ({report.get('model') or 'model?'})\n\n"
    if refused(report["summary"], allow_fallback=report.get("allow_fallback", True)):
        warning = not_the_models(report.get("model") or "the model", report["summary"])
        title = f"# Eval report ({report.get('model') or 'model?'}): NOT its figures\n\n"
        title += f"**FAIL: {warning}.**\n\n"
    failures = failures_markdown(report)
    return title + tables(report) + ("\n## Failing cases\n\n" + failures if failures else "")
