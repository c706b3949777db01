"""The human view of a report: Markdown tables, padded so they read well in a terminal too."""

from __future__ import annotations

import json
from typing import Any

from evals.fallback import fallback_line

GROUP_HEAD = ["cases", "runs", "outcome", "exact", "pass^k", "safety", "errors"]


def tables(report: dict[str, Any]) -> str:
    s = report["summary"]
    parts = [
        "## Summary\n\n" + _summary(s) + "\n" + fallback_line(s) + "\n",
        "## Slot accuracy\n\n" + _table(["slot", "accuracy"], _slot_rows(s)),
        "## By file\n\n" + _table(["file", *GROUP_HEAD], _group_rows(report.get("by_file", {}))),
        "## By tag\n\n" + _table(["tag", *GROUP_HEAD], _group_rows(report["by_tag"])),
    ]
    return "\n".join(parts)


def _summary(s: dict[str, Any]) -> str:
    head = [*GROUP_HEAD[:2], "k", *GROUP_HEAD[2:], "p50 ms", "p95 ms", "calls/case", "tokens/case"]
    row = [
        *_group_row(s)[:2],
        str(s["k"]),
        *_group_row(s)[2:],
        f"{s['latency_ms']['p50']:.1f}",
        f"{s['latency_ms']['p95']:.1f}",
        f"{s['model_calls_per_case']:.2f}",
        f"{s['prompt_tokens_per_case']:.0f}",
    ]
    return _table(head, [row])


def _slot_rows(s: dict[str, Any]) -> list[list[str]]:
    return [[slot, pct(value)] for slot, value in s["slot_accuracy"].items()]


def _group_rows(groups: dict[str, dict[str, Any]]) -> list[list[str]]:
    return [[name, *_group_row(g)] for name, g in groups.items()]


def _group_row(g: dict[str, Any]) -> list[str]:
    return [
        str(g["cases"]),
        str(g["runs"]),
        pct(g["outcome_accuracy"]),
        pct(g["exact_match"]),
        pct(g["pass_k"]),
        str(g["safety_violations"]),
        str(g["errors"]),
    ]


def pct(value: float) -> str:
    return f"{value * 100:.1f}%"


def _table(head: list[str], rows: list[list[str]]) -> str:
    if not rows:
        return "(none)\n"
    widths = [max(len(r[n]) for r in [head, *rows]) for n in range(len(head))]
    lines = [head, ["-" * w for w in widths], *rows]
    return "".join(
        "| " + " | ".join(c.ljust(w) for c, w in zip(line, widths, strict=True)) + " |\n"
        for line in lines
    )


def failing(report: dict[str, Any]) -> list[tuple[dict[str, Any], dict[str, Any]]]:
    """(case, its first bad run) for every case with an inexact or unsafe run."""
    found = []
    for case in report["cases"]:
        bad = [r for r in case["runs"] if not r["exact"] or r["safety_violations"]]
        if bad:
            found.append((case, bad[0]))
    return found


def failures_markdown(report: dict[str, Any], *, transcript: bool = False) -> str:
    return "".join(_failure(case, run, transcript) for case, run in failing(report))


def _failure(case: dict[str, Any], run: dict[str, Any], transcript: bool) -> str:
    inexact = sum(1 for r in case["runs"] if not r["exact"])
    wrong = [slot for slot, ok in run["slots"].items() if not ok]
    if not run["outcome_ok"]:
        wrong.insert(0, "outcome")
    text = (
        f"### {case['file']} · {case['id']} ({inexact}/{len(case['runs'])} runs inexact)\n\n"
        f"- wrong: {', '.join(wrong) or '-'}\n"
        f"- expected: `{_json(case['expected'])}`\n"
        f"- got: `{_json(run['got'])}`\n"
    )
    if run.get("safety_violations"):
        text += f"- safety violations: {run['safety_violations']}\n"
    if run.get("unasked"):
        text += f"- on the card, not asked for: {', '.join(run['unasked'])}\n"
    if transcript:
        text += "".join(f"    {_said(turn)}\n" for turn in run["transcript"])
    return text + "\n"


def _said(turn: dict[str, Any]) -> str:
    if turn["role"] == "user":
        return f"user> {turn['text']}"
    text = " ".join(str(turn["text"]).split())
    return f"bot [{turn['kind']}]> {text}"


def _json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True)
