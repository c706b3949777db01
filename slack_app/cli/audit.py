"""`access-agent audit verify|export`: prove the trail is whole, hand it to an auditor."""

from __future__ import annotations

import argparse
import sys

from domain.usecases.audit import verify_trail
from slack_app.bootstrap import build_runtime
from slack_app.services.audit_export import ExportFormat, export, parse_since
from slack_app.settings import Settings


def register(commands: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    audit = commands.add_parser("audit", help="verify or export the audit trail")
    sub = audit.add_subparsers(dest="audit_command", metavar="ACTION", required=True)

    verify = sub.add_parser("verify", help="check the hash chain; name the first bad row")
    verify.set_defaults(handler=cmd_verify)

    exp = sub.add_parser("export", help="write the trail as CSV or JSON")
    exp.add_argument("--format", choices=[f.value for f in ExportFormat], default="json")
    exp.add_argument("--request", metavar="ID", help="only this request's trail")
    exp.add_argument("--since", metavar="DATE", help="only events at or after (ISO-8601)")
    exp.add_argument("--output", "-o", metavar="FILE", help="write here (default: stdout)")
    exp.set_defaults(handler=cmd_export)


def cmd_verify(args: argparse.Namespace, settings: Settings) -> int:
    runtime = build_runtime(settings, load_org=False)
    verdict = verify_trail(runtime.uow())
    if verdict.broken is not None:
        print(f"audit trail broken at {verdict.broken}", file=sys.stderr)
        print(f"verified up to seq {verdict.head.seq} (hash {verdict.head.hash})", file=sys.stderr)
        return 1
    print(f"ok: {verdict.head.seq} rows; head seq {verdict.head.seq} hash {verdict.head.hash}")
    return 0


def cmd_export(args: argparse.Namespace, settings: Settings) -> int:
    try:
        since = parse_since(args.since)
    except ValueError:
        print(f"error: --since {args.since!r} is not a date (2026-12-01)", file=sys.stderr)
        return 2
    runtime = build_runtime(settings, load_org=False)
    chunks = export(runtime, ExportFormat(args.format), request_id=args.request, since=since)
    if args.output is None:
        sys.stdout.writelines(chunks)
        return 0
    with open(args.output, "w", encoding="utf-8", newline="") as out:
        out.writelines(chunks)
    print(f"wrote {args.output}", file=sys.stderr)
    return 0
