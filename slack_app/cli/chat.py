"""`access-agent chat`: the agent in a terminal, interactive or fed a script on stdin."""

from __future__ import annotations

import argparse
import sys

from slack_app.agent_wiring import build_runner
from slack_app.bootstrap import build_runtime
from slack_app.chat.session import HELP, ChatSession
from slack_app.settings import Settings
from tools.find import match_person

DEFAULT_USER = "alex.meyer@acme.test"


def register(commands: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    chat = commands.add_parser(
        "chat", help="talk to the agent in the terminal (reads a script from stdin if piped)"
    )
    chat.add_argument(
        "--as",
        dest="user",
        default=None,
        help=f"who you are (name or email; default {DEFAULT_USER} on the demo org)",
    )
    chat.set_defaults(handler=cmd_chat)


def cmd_chat(args: argparse.Namespace, settings: Settings) -> int:
    runtime = build_runtime(settings)
    directory = runtime.directory()
    wanted = args.user or (DEFAULT_USER if directory.person(DEFAULT_USER) else None)
    if wanted is None:
        wanted = next(p.id for p in directory.data.people if p.active)
    found = match_person(directory, wanted)
    if found.id is None:
        print(f"error: no single person matches {wanted!r}", file=sys.stderr)
        return 1
    session = ChatSession(runtime, build_runner(runtime), found.id)
    interactive = sys.stdin.isatty()
    person = directory.person(found.id)
    print(
        f"access-agent · {directory.data.org.name} · you are {person.name if person else found.id}"
        f" · model: {settings.model_backend}"
    )
    if interactive:
        print(HELP)
    for line in _lines(session, interactive):
        if not session.handle(line):
            break
    return 0


def _lines(session: ChatSession, interactive: bool):  # type: ignore[no-untyped-def]
    while True:
        prompt = f"\n{session.user.split('@')[0]}> "
        try:
            line = input(prompt) if interactive else sys.stdin.readline()
        except EOFError:
            return
        if not interactive:
            if not line:
                return
            if line.strip() and not line.lstrip().startswith("#"):
                print(prompt + line.rstrip())
            if line.lstrip().startswith("#"):
                continue
        yield line
