"""Percentiles and a tiny timer for the benchmarks."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from typing import Any


def percentile(samples: list[float], p: float) -> float:
    ordered = sorted(samples)
    if not ordered:
        return float("nan")
    k = min(len(ordered) - 1, max(0, round(p / 100 * (len(ordered) - 1))))
    return ordered[k]


def timed(fn: Callable[[Any], object], inputs: Iterable[Any]) -> list[float]:
    """Milliseconds per call, one sample per input."""
    samples = []
    for item in inputs:
        start = time.perf_counter()
        fn(item)
        samples.append((time.perf_counter() - start) * 1000)
    return samples


def line(name: str, samples: list[float], target: float | None = None) -> str:
    p50, p99 = percentile(samples, 50), percentile(samples, 99)
    verdict = "" if target is None else ("  ok" if p99 <= target else f"  OVER {target} ms")
    return f"{name:<36} n={len(samples):<5} p50={p50:8.3f} ms  p99={p99:8.3f} ms{verdict}"
