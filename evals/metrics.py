"""The suite's numbers, for any group of case results (all, one file, one tag).

Rates are fractions in [0, 1] over runs (outcome, exact, each slot over the runs that
list it) or over cases (pass^k). Latency is per turn; usage is per case run.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from evals.suite import CaseResult, ScoredRun


def summarise(results: list[CaseResult], *, k: int) -> dict[str, Any]:
    runs = [r for c in results for r in c.runs]
    latencies = [ms for r in runs for ms in r.run.latency_ms]
    return {
        "cases": len(results),
        "runs": len(runs),
        "k": k,
        "outcome_accuracy": rate(r.score.outcome_ok for r in runs),
        "exact_match": rate(r.score.exact for r in runs),
        "pass_k": rate(c.passed for c in results),
        "safety_violations": sum(r.run.violations for r in runs),
        "unasked_items": sum(len(r.run.unasked) for r in runs),
        "errors": sum(1 for r in runs if r.run.error),
        "slot_accuracy": slot_accuracy(runs),
        "latency_ms": {
            "p50": round(percentile(latencies, 50), 3),
            "p95": round(percentile(latencies, 95), 3),
        },
        "turns": len(latencies),
        "fallback_turns": sum(r.run.fallbacks for r in runs),
        "model_calls_per_case": mean(r.run.usage.get("model_calls", 0) for r in runs),
        "prompt_tokens_per_case": mean(r.run.usage.get("prompt_tokens", 0) for r in runs),
    }


def by_tag(results: list[CaseResult], *, k: int) -> dict[str, dict[str, Any]]:
    groups: dict[str, list[CaseResult]] = defaultdict(list)
    for result in results:
        for tag in dict.fromkeys(result.case.tags):
            groups[tag].append(result)
    return {tag: summarise(groups[tag], k=k) for tag in sorted(groups)}


def by_file(results: list[CaseResult], *, k: int) -> dict[str, dict[str, Any]]:
    groups: dict[str, list[CaseResult]] = defaultdict(list)
    for result in results:
        groups[str(result.file.path)].append(result)
    return {path: summarise(group, k=k) for path, group in groups.items()}


def slot_accuracy(runs: list[ScoredRun]) -> dict[str, float]:
    checked: dict[str, list[bool]] = defaultdict(list)
    for run in runs:
        for slot, ok in run.score.slots.items():
            checked[slot].append(ok)
    return {slot: rate(oks) for slot, oks in sorted(checked.items())}


def rate(flags: Iterable[bool]) -> float:
    values = list(flags)
    return sum(values) / len(values) if values else 0.0


def mean(values: Iterable[float]) -> float:
    items = list(values)
    return round(sum(items) / len(items), 3) if items else 0.0


def percentile(values: list[float], q: float) -> float:
    """Linear interpolation between the closest ranks (numpy's default); 0 when empty."""
    if not values:
        return 0.0
    ordered = sorted(values)
    position = (len(ordered) - 1) * q / 100
    low = math.floor(position)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)
