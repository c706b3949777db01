"""`python -m bench.checkpoint_writes [--url postgresql+psycopg://…]`: concurrent
checkpoint writes on PostgreSQL, one shared connection against the pool.

Each of T threads stands for a turn thread (ACCESS_AGENT_WORKERS, 32 by default) and
writes its own conversation's supersteps: read the latest checkpoint, store the next one
(a 2 KB state) and the step's pending writes, as LangGraph does several times a turn.
"single connection" is the saver as it was (one psycopg.Connection, LangGraph's lock
around every query); "pool" is `agent.checkpoint_postgres.pooled_saver` as shipped.
Throughput is steps per second for all threads together; latency is per step. Runs in
a schema of its own, dropped afterwards.

A database on loopback answers in microseconds, so on a small machine the run is
bound by CPU (Python and PostgreSQL on the same cores) whichever saver. `--rtt-ms`
stands in for a database on another host: every statement first waits that long,
as for its round trip (pipelined writes too, so it overstates both savers alike).
"""

from __future__ import annotations

import argparse
import time
import uuid
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from functools import partial
from typing import Any

import psycopg
from langgraph.checkpoint.base import Checkpoint, empty_checkpoint
from langgraph.checkpoint.base.id import uuid6
from langgraph.checkpoint.postgres import PostgresSaver
from psycopg.rows import dict_row

from agent.checkpoint import POOL_SIZE, close_checkpointer, postgres_dsn
from agent.checkpoint_postgres import pooled_saver
from bench.stats import percentile

STATE = "pasted text of a conversation " * 70  # ~2 KB, the size of a typical turn's state


def far(rtt: float) -> type[psycopg.Connection[Any]]:
    """A connection whose every statement waits `rtt` seconds first."""

    class FarCursor(psycopg.Cursor[Any]):
        def execute(self, *args: Any, **kwargs: Any) -> Any:
            time.sleep(rtt)
            return super().execute(*args, **kwargs)

    class FarConnection(psycopg.Connection[Any]):
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            self.cursor_factory = FarCursor

    return FarConnection


def single_connection(dsn: str, connection_class: type[psycopg.Connection[Any]]) -> PostgresSaver:
    conn = connection_class.connect(dsn, autocommit=True, prepare_threshold=0, row_factory=dict_row)
    saver = PostgresSaver(conn)
    saver.setup()
    return saver


def step(saver: PostgresSaver, thread: str, n: int) -> None:
    """One superstep of one conversation: read the latest, write the next."""
    config: Any = {"configurable": {"thread_id": thread, "checkpoint_ns": ""}}
    latest = saver.get_tuple(config)
    if latest is not None:
        config = latest.config
    checkpoint: Checkpoint = {
        **empty_checkpoint(),
        "id": str(uuid6(clock_seq=n)),
        "channel_values": {"state": f"{STATE}{n}"},
        "channel_versions": {"state": n + 1},
    }
    saved = saver.put(config, checkpoint, {"source": "loop", "step": n}, {"state": n + 1})
    saver.put_writes(saved, [("state", f"write {n}")], task_id=uuid.uuid4().hex)


def run(saver: PostgresSaver, *, threads: int, steps: int) -> tuple[float, list[float]]:
    """Steps per second over all threads, and each step's milliseconds."""

    def conversation(k: int) -> list[float]:
        thread, took = f"bench-{k}-{uuid.uuid4().hex[:8]}", []
        for n in range(steps):
            started = time.perf_counter()
            step(saver, thread, n)
            took.append((time.perf_counter() - started) * 1000)
        return took

    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=threads) as pool:
        samples = [ms for took in pool.map(conversation, range(threads)) for ms in took]
    return len(samples) / (time.perf_counter() - started), samples


@contextmanager
def schema(dsn: str) -> Iterator[str]:
    name = f"bench_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(dsn, autocommit=True) as admin:
        admin.execute(f'CREATE SCHEMA "{name}"')
    try:
        yield f"{dsn}{'&' if '?' in dsn else '?'}options=-csearch_path%3D{name}"
    finally:
        with psycopg.connect(dsn, autocommit=True) as admin:
            admin.execute(f'DROP SCHEMA "{name}" CASCADE')


def measure(label: str, make: Callable[[], PostgresSaver], threads: int, steps: int) -> None:
    saver = make()
    try:
        run(saver, threads=threads, steps=2)  # warm-up: connections, prepared plans
        rate, samples = run(saver, threads=threads, steps=steps)
    finally:
        close_checkpointer(saver)
    p50, p99 = percentile(samples, 50), percentile(samples, 99)
    print(
        f"{label:<22} {threads:>3} threads: {rate:8.0f} steps/s  "
        f"p50 {p50:7.2f} ms  p99 {p99:7.2f} ms"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--url", default="postgresql+psycopg://postgres@127.0.0.1:5432/test", help="PostgreSQL"
    )
    parser.add_argument("--threads", type=int, nargs="+", default=[1, 8, 32])
    parser.add_argument("--steps", type=int, default=100, help="supersteps per thread")
    parser.add_argument("--pool", type=int, default=POOL_SIZE, help="pool size")
    parser.add_argument(
        "--rtt-ms", type=float, nargs="+", default=[0.0, 1.0], help="simulated round trips"
    )
    args = parser.parse_args()
    dsn = postgres_dsn(args.url)
    if dsn is None:
        parser.error("--url must point at PostgreSQL")
    with schema(dsn) as url:
        for rtt in args.rtt_ms:
            conn = far(rtt / 1000) if rtt else psycopg.Connection
            print(f"round trip {rtt:g} ms (+ loopback):")
            for threads in args.threads:
                single = partial(single_connection, url, conn)
                pooled = partial(pooled_saver, url, size=args.pool, connection_class=conn)
                measure("  single connection", single, threads, args.steps)
                measure(f"  pool of {args.pool}", pooled, threads, args.steps)


if __name__ == "__main__":
    main()
