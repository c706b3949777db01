"""`python -m bench.checkpoints`: the SQLite checkpoint file after N conversations, with
and without pruning.

Each conversation is one DM that ends on a confirmation card ("github write for 3
days", on the demo org), then half are submitted, a quarter cancelled and a quarter
left open. Every `--big-every`th message carries `--big-kb` KB of pasted text (the
probe of issue 8 sent 100 KB–1 MB). The model reads only the head of each message
(the offline tokenizer on 1 MB would dominate the run); the agent state keeps it all,
as it did before text was bounded. The pruned run prunes every `--prune-every`
conversations, as the scheduler would every tick, then once at the end; the unpruned
store is then pruned once, as at the first start-up after upgrading (timed).
"""

from __future__ import annotations

import argparse
import tempfile
import time
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

from agent.ask import Understanding
from agent.checkpoint import make_checkpointer, sqlite_path
from agent.deps import AgentDeps
from agent.graph import build_graph
from agent.models.offline import OfflineModel
from agent.models.port import ModelContext, Turn
from agent.retention import Retention
from agent.runner import AgentRunner, thread_id
from domain.model.directory import Directory
from domain.orgdata.demo import load_demo_org
from domain.ports import FixedClock, SystemClock

ALEX = "alex.meyer@acme.test"
ASK = "github write for 3 days, for the payments migration. "


class HeadModel:
    """The offline model on the first 300 characters of each turn."""

    name = "offline-head"

    def __init__(self, directory: Directory) -> None:
        self.offline = OfflineModel(lambda: directory)

    def understand(self, turns: list[Turn], ctx: ModelContext) -> Understanding:
        return self.offline.understand([replace(t, text=t.text[:300]) for t in turns], ctx)


def run(db: Path, *, n: int, big_every: int, big_kb: int, prune_every: int) -> tuple[int, int]:
    """Bytes on disk and conversations stored after `n` conversations."""
    directory = Directory(load_demo_org())
    now = datetime(2026, 3, 4, 15, tzinfo=UTC)
    deps = AgentDeps(model=HeadModel(directory), directory=lambda: directory, clock=FixedClock(now))
    graph = build_graph(deps, checkpointer=make_checkpointer(f"sqlite:///{db}"))
    runner = AgentRunner(graph)
    retention = Retention(graph, keep_idle=timedelta(days=7), clock=SystemClock())
    pad = "pasted log line, pasted log line " * (big_kb * 32)
    for i in range(n):
        thread = thread_id("bench", str(i))
        text = ASK + (pad if big_every and i % big_every == 0 else "")
        runner.send(thread, ALEX, text)
        if i % 4 in (0, 1):
            runner.confirm(thread, ALEX)
        elif i % 4 == 2:
            runner.cancel(thread, ALEX)
        if prune_every and (i + 1) % prune_every == 0:
            retention.prune()
    if prune_every:
        retention.prune()
    size = retention.store.size()
    return size.bytes, size.threads


def prune_once(db: Path) -> tuple[int, int, float]:
    """One prune of an unpruned store, as at the first start-up after upgrading."""
    saver = make_checkpointer(f"sqlite:///{db}")
    directory = Directory(load_demo_org())
    deps = AgentDeps(model=HeadModel(directory), directory=lambda: directory, clock=SystemClock())
    retention = Retention(
        build_graph(deps, checkpointer=saver), keep_idle=timedelta(days=7), clock=SystemClock()
    )
    started = time.perf_counter()
    retention.prune()
    took = time.perf_counter() - started
    size = retention.store.size()
    return size.bytes, size.threads, took


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=300, help="conversations (default 300)")
    parser.add_argument("--big-every", type=int, default=10, help="every k-th message is big")
    parser.add_argument("--big-kb", type=int, default=200, help="size of a big message, KB")
    parser.add_argument("--prune-every", type=int, default=50, help="conversations per prune")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        for label, every in (("without pruning", 0), ("with pruning", args.prune_every)):
            db = Path(tmp) / f"{every}.db"
            started = time.perf_counter()
            stored, threads = run(
                db, n=args.n, big_every=args.big_every, big_kb=args.big_kb, prune_every=every
            )
            took = time.perf_counter() - started
            print(
                f"{label:<16} {args.n} conversations: {stored / 1e6:8.2f} MB on disk "
                f"({Path(str(sqlite_path(f'sqlite:///{db}'))).name}), {threads} stored, "
                f"{took:.1f} s"
            )
            if not every:
                stored, threads, took = prune_once(db)
                print(
                    f"{'then one prune':<16} {took * 1000:.0f} ms: {stored / 1e6:8.2f} MB, "
                    f"{threads} stored"
                )


if __name__ == "__main__":
    main()
