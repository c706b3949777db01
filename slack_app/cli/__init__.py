"""`access-agent`: one console command with sub-commands.

User mistakes (a bad file, an unknown person, an unreachable database) print one
clear line to stderr and exit non-zero; tracebacks are for bugs only (`--debug`).
"""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Callable, Sequence

from domain.errors import DomainError, InvalidOrgData
from slack_app import logs
from slack_app.cli import audit, chat, doctor, org, serve
from slack_app.cli import eval as evaluate
from slack_app.settings import Settings

Command = Callable[[argparse.Namespace, Settings], int]


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="access-agent",
        description="Ask for access in plain words; approvers decide with a click.",
    )
    parser.add_argument("--debug", action="store_true", help="show tracebacks and debug logs")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    for module in (audit, chat, doctor, evaluate, org, serve):
        module.register(commands)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    handler: Command = args.handler
    try:
        settings = Settings()
        logs.configure(
            level=logging.DEBUG if args.debug else logging.WARNING, fmt=settings.log_format
        )
        return handler(args, settings)
    except InvalidOrgData as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    except DomainError as exc:
        print(f"error: {exc.message}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130
    except Exception as exc:
        if args.debug:
            raise
        print(
            f"error: {type(exc).__name__}: {exc} (rerun with --debug for details)", file=sys.stderr
        )
        return 1
