"""`access-agent org validate|import|export`: the org data file (docs/specs/org-data.md)."""

from __future__ import annotations

import argparse
import sys
from functools import partial
from pathlib import Path

from domain.orgdata.demo import demo_org_text, load_demo_org
from domain.orgdata.orgfile import dump_org, parse_org, read_org_file
from domain.store.orgsync import export_org, sync_org
from slack_app.bootstrap import build_runtime
from slack_app.settings import Settings


def register(commands: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    org = commands.add_parser("org", help="validate, import or export org data")
    sub = org.add_subparsers(dest="org_command", metavar="ACTION", required=True)

    validate = sub.add_parser("validate", help="check an org file without writing anything")
    validate.add_argument("file", help="org data file (YAML or JSON); - for stdin")
    validate.set_defaults(handler=cmd_validate)

    imp = sub.add_parser("import", help="import (sync) an org file; a bad file changes nothing")
    source = imp.add_mutually_exclusive_group(required=True)
    source.add_argument("file", nargs="?", help="org data file (YAML or JSON); - for stdin")
    source.add_argument("--demo", action="store_true", help="import the shipped demo org")
    imp.set_defaults(handler=cmd_import)

    exp = sub.add_parser("export", help="write the stored org as an org data file")
    exp.add_argument("file", nargs="?", help="output path (default: stdout)")
    exp.add_argument("--json", action="store_true", help="JSON instead of YAML")
    exp.set_defaults(handler=cmd_export)

    demo = sub.add_parser("demo", help="print the shipped demo org file")
    demo.set_defaults(handler=lambda args, settings: _print(demo_org_text()))


def _print(text: str) -> int:
    sys.stdout.write(text)
    return 0


def _read(path: str):  # type: ignore[no-untyped-def]
    if path == "-":
        return parse_org(sys.stdin.read())
    return read_org_file(Path(path))


def cmd_validate(args: argparse.Namespace, settings: Settings) -> int:
    data = _read(args.file)
    print(
        f"ok: {args.file}: {len(data.people)} people, {len(data.applications)} applications, "
        f"{sum(len(a.entitlements) for a in data.applications)} entitlements, "
        f"{len(data.identities)} identities"
    )
    return 0


def cmd_import(args: argparse.Namespace, settings: Settings) -> int:
    """A refused file is recorded (`sync_org`) for the alerts channel, then reported."""
    runtime = build_runtime(settings, load_org=False)
    read = load_demo_org if args.demo else partial(_read, args.file)
    source = "the demo org" if args.demo else "(stdin)" if args.file == "-" else args.file
    report = sync_org(runtime.uow(), read, source=source, actor="cli", clock=runtime.clock)
    print(f"imported {source}: {report.summary()}")
    return 0


def cmd_export(args: argparse.Namespace, settings: Settings) -> int:
    runtime = build_runtime(settings, load_org=False)
    data = export_org(runtime.uow())
    if data is None:
        print(
            "error: no org in the database yet: run `access-agent org import FILE`", file=sys.stderr
        )
        return 1
    text = dump_org(data, as_json=args.json)
    if args.file:
        Path(args.file).write_text(text, encoding="utf-8")
        print(f"wrote {args.file}", file=sys.stderr)
        return 0
    return _print(text)
