"""`python -m bench.agent_turn`: offline understanding and a whole turn on a large org.

Targets: understanding p99 ≤ 5 ms, a whole turn (understand + resolve through the
graph, in-memory checkpointer) p99 ≤ 20 ms, on 10,000 people by default; a change to
an open card (understand + apply_changes) costs no more than a new ask.
"""

from __future__ import annotations

import argparse
import random
from datetime import UTC, datetime

from langgraph.checkpoint.memory import InMemorySaver

from agent.deps import AgentDeps
from agent.graph import build_graph
from agent.models.offline import OfflineModel
from agent.models.port import ModelContext, Turn
from agent.runner import AgentRunner, thread_id
from bench.gen_org import generate
from bench.stats import line, timed
from domain.model.directory import Directory
from domain.ports import FixedClock
from tools.matching import name_index

NOW = datetime(2026, 3, 4, 15, 0, tzinfo=UTC)
TEMPLATES = [
    "same access as {ref} for 2 weeks",
    "{app} {level} until Friday, for the new project",
    "give me what {title}s get, permanently",
    "access to {app} {level} --duration 2d --reason oncall",
    "I need {app} for 3 days",
]


def messages(directory: Directory, n: int, rng: random.Random) -> list[str]:
    people = [p for p in directory.data.people if p.active]
    apps = directory.data.applications
    titles = directory.titles()
    out = []
    for _ in range(n):
        app = rng.choice(apps)
        level = rng.choice(app.entitlements).name if app.entitlements else ""
        out.append(
            rng.choice(TEMPLATES).format(
                ref=rng.choice(people).name, app=app.name, level=level, title=rng.choice(titles)
            )
        )
    return out


CHANGES = ["make it 3 days", "also {app} {level}", "until Friday instead", "use the admin account"]


def changes(directory: Directory, n: int, rng: random.Random) -> list[tuple[str, str, str]]:
    """(the ask that opens a card, the change typed on it, the change's template)."""
    apps = [a for a in directory.data.applications if a.entitlements]
    out = []
    for _ in range(n):
        first, other = rng.choice(apps), rng.choice(apps)
        ask = f"{first.name} {rng.choice(first.entitlements).name} for 2 weeks"
        level = rng.choice(other.entitlements).name
        template = rng.choice(CHANGES)
        out.append((ask, template.format(app=other.name, level=level), template))
    return out


def change_turns(
    runner: AgentRunner, requester: str, asked: list[tuple[str, str, str]]
) -> dict[str, list[float]]:
    """Milliseconds of each change typed on an open card (the card's own turn untimed),
    by the change's template."""
    opened: dict[str, list[tuple[str, str]]] = {}
    for n, (ask, change, template) in enumerate(asked):
        thread = thread_id("bench-change", str(n))
        if runner.send(thread, requester, ask).kind == "proposal":
            opened.setdefault(template, []).append((thread, change))
    return {
        template: timed(lambda tc: runner.send(tc[0], requester, tc[1]), pairs)
        for template, pairs in opened.items()
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--people", type=int, default=10_000)
    parser.add_argument("--samples", type=int, default=500)
    args = parser.parse_args()
    data = generate(
        people=args.people,
        apps=args.people // 10,
        entitlements=args.people // 2,
        grants=args.people * 10,
    )
    directory = Directory(data)
    name_index(directory)  # built once per org version, as in the product
    rng = random.Random(1)
    requester = next(p.id for p in data.people if p.active and p.manager)
    texts = messages(directory, args.samples, rng)
    model = OfflineModel(lambda: directory)
    ctx = ModelContext(
        requester_name="bench",
        today="Wednesday 2026-03-04",
        now=NOW.isoformat(),
        reasons=tuple(directory.reasons),
    )
    print(
        line(
            "offline understanding",
            timed(lambda t: model.understand([Turn("user", t)], ctx), texts),
            target=5,
        )
    )
    deps = AgentDeps(model=model, directory=lambda: directory, clock=FixedClock(NOW))
    runner = AgentRunner(build_graph(deps, checkpointer=InMemorySaver()))
    counter = iter(range(10**9))
    print(
        line(
            "whole turn (understand + resolve)",
            timed(
                lambda t: runner.send(thread_id("bench", str(next(counter))), requester, t), texts
            ),
            target=20,
        )
    )
    by_template = change_turns(runner, requester, changes(directory, args.samples, rng))
    everything = [ms for samples in by_template.values() for ms in samples]
    print(line("change to an open card (all)", everything, target=20))
    for template, samples in sorted(by_template.items()):
        print(line(f"  {template.format(app='X', level='Y')}", samples, target=20))


if __name__ == "__main__":
    main()
