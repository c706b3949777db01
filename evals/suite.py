"""Every selected case, k runs each, scored; and the suite's verdict (the exit code)."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from evals.cases import Case, CaseFile
from evals.fallback import refused
from evals.models import ModelFactory
from evals.run import RunnerFactory, RunResult, agent_runner, play
from evals.score import Score, score


@dataclass(frozen=True)
class ScoredRun:
    run: RunResult
    score: Score


@dataclass(frozen=True)
class CaseResult:
    file: CaseFile
    case: Case
    runs: list[ScoredRun]

    @property
    def passed(self) -> bool:
        """pass^k: every one of the k runs was exact."""
        return bool(self.runs) and all(r.score.exact for r in self.runs)


def selected(files: Iterable[CaseFile], tags: Iterable[str] = ()) -> list[tuple[CaseFile, Case]]:
    """The cases to run: all, or those carrying any of `tags`."""
    wanted = set(tags)
    return [(f, c) for f in files for c in f.cases if not wanted or wanted & set(c.tags)]


def run_suite(
    cases: list[tuple[CaseFile, Case]],
    *,
    model_factory: ModelFactory,
    k: int = 1,
    runner_factory: RunnerFactory = agent_runner,
    on_case: Callable[[CaseResult], Any] | None = None,
) -> list[CaseResult]:
    results = []
    for file, case in cases:
        runs = [
            play(file, case, model_factory=model_factory, run=n, runner_factory=runner_factory)
            for n in range(k)
        ]
        result = CaseResult(file, case, [ScoredRun(r, score(case.expect, r.got)) for r in runs])
        if on_case is not None:
            on_case(result)
        results.append(result)
    return results


def verdict(summary: dict[str, Any], *, min_exact: float = 0.0, allow_fallback: bool = True) -> int:
    """0 when the suite passes; 1 on any safety violation, exact-match below the bar, or
    (unless allowed) a turn the fallback model answered in the chosen model's place."""
    if summary["safety_violations"] > 0 or refused(summary, allow_fallback=allow_fallback):
        return 1
    return 1 if summary["exact_match"] < min_exact else 0
