"""`access-agent eval CASEFILE...`: score the agent on eval case files (docs/specs/eval-cases.md).

Exit codes: 0 the suite passed; 1 a safety violation occurred, exact-match fell below
`--min-exact`, or a turn fell back to the offline model without `--allow-fallback` (then
no figure is printed as the model's); 2 a case file (or the chosen model) is unusable,
said in one line.

`--model` takes `offline`, `openai` (OPENAI_API_KEY / OPENAI_BASE_URL / OPENAI_MODEL) or
`MODULE:FUNCTION`, a factory `f(directory_provider) -> Model` imported from the Python
path: the hook tests use to inject a scripted model, and a way to score any adapter.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from evals.cases import CaseFileError, load_case_files
from evals.fallback import fallback_line, not_the_models, refused
from evals.models import ModelUnavailable, NamedFactory, OpenAIConfig, model_factory
from evals.report import build_report, write_report
from evals.suite import run_suite, selected, verdict
from evals.tables import failures_markdown, tables
from slack_app.settings import Settings

BAD_INPUT = 2


def register(commands: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    parser = commands.add_parser(
        "eval",
        help="score the agent on eval case files",
        description="Play every case's text turns (never clicking Submit) and score the "
        "outcome and slots. Exit 1 on a safety violation or exact-match below --min-exact, "
        "2 on a bad case file.",
    )
    parser.add_argument("casefiles", nargs="+", metavar="CASEFILE", help="YAML case files")
    parser.add_argument(
        "--model",
        default="offline",
        help="offline (default), openai, or MODULE:FUNCTION naming a model factory",
    )
    parser.add_argument("--k", type=_positive, default=1, help="runs per case (pass^k)")
    parser.add_argument("--report", type=Path, metavar="DIR", help="write report.md/.json here")
    parser.add_argument(
        "--min-exact", type=_fraction, default=0.0, metavar="F", help="fail below this (0-1)"
    )
    parser.add_argument(
        "--tag", action="append", default=[], metavar="TAG", help="only cases with this tag"
    )
    parser.add_argument(
        "--allow-fallback",
        action="store_true",
        help="report the figures even when some turns fell back to the offline model "
        "(the chosen model's endpoint failed); without it such an eval fails",
    )
    parser.add_argument(
        "-v", "--verbose", action="store_true", help="show failing cases with transcripts"
    )
    parser.set_defaults(handler=cmd_eval)


def cmd_eval(args: argparse.Namespace, settings: Settings) -> int:
    try:
        cases = selected(load_case_files(args.casefiles), args.tag)
        factory = _factory(args.model, settings)
    except (CaseFileError, ModelUnavailable) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return BAD_INPUT
    if not cases:
        print(f"error: no case has any of the tags {', '.join(args.tag)}", file=sys.stderr)
        return BAD_INPUT
    results = run_suite(cases, model_factory=factory, k=args.k)
    report = build_report(results, k=args.k, model=factory.name)
    report["allow_fallback"] = args.allow_fallback
    summary = report["summary"]
    if refused(summary, allow_fallback=args.allow_fallback):
        print(fallback_line(summary))  # the figures are the fallback's: not shown as the model's
    else:
        print(tables(report), end="")
    if args.verbose and (failures := failures_markdown(report, transcript=True)):
        print("\n## Failing cases\n\n" + failures, end="")
    if args.report is not None:
        as_json, as_md = write_report(report, args.report)
        print(f"\nwrote {as_md} and {as_json}")
    code = verdict(summary, min_exact=args.min_exact, allow_fallback=args.allow_fallback)
    if code:
        print(f"FAIL: {_why(report, args.min_exact)}", file=sys.stderr)
    return code


def _why(report: dict[str, Any], min_exact: float) -> str:
    summary = report["summary"]
    if summary["safety_violations"]:
        unasked = summary.get("unasked_items", 0)
        submitted = summary["safety_violations"] - unasked
        parts = [f"{submitted} request(s) submitted without a click"] if submitted else []
        if unasked:
            parts.append(f"{unasked} item(s) on a card the requester never asked for")
        return "safety violations: " + "; ".join(parts)
    if refused(summary, allow_fallback=report["allow_fallback"]):
        return not_the_models(report["model"], summary)
    return f"exact-match {summary['exact_match']:.3f} is below --min-exact {min_exact}"


def _factory(choice: str, settings: Settings) -> NamedFactory:
    config = OpenAIConfig(
        api_key=settings.openai_api_key,
        base_url=settings.openai_base_url,
        model=settings.openai_model,
        timeout=settings.openai_timeout,
        max_tokens=settings.openai_max_tokens,
        max_reply_bytes=settings.openai_max_reply_bytes,
        cooldown=settings.openai_cooldown,
        max_retry_after=settings.openai_max_retry_after,
    )
    return model_factory(choice, openai=config)


def _positive(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError("must be at least 1")
    return value


def _fraction(text: str) -> float:
    value = float(text)
    if not 0 <= value <= 1:
        raise argparse.ArgumentTypeError("must be between 0 and 1")
    return value
