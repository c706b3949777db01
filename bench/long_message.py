"""`python -m bench.long_message [--probes 100] [--interval 0.08] [--chars 40000]`: Slack
ack latency while one conversation sends a message as long as Slack allows.

A 40,000-character word once took ~5 s of regex time in the offline model while holding
the GIL, so `serve` could not ack anything else meanwhile (issue 8: a concurrent ack took
4 s, past Slack's 3 s). This runs `serve` with its inline worker and the offline model
(`bench.slow_model --delay 0`) twice, on a fresh database each time:
- without: PROBES signed `message.im` events ("github write for 2 weeks", from the demo
  org's people), one every INTERVAL s over kept-alive loopback connections (each is a
  turn too: the rate is one a 2-CPU machine keeps up with);
- with: the same, plus, as the first probe goes out, one DM of CHARS characters (one
  word of UNIT repeated) from a person who sends no probe.
Prints ack p50/p99/max for both runs and the ratios with/without (target: p99 ≤ ×1.5),
the long DM's own ack, and when its answer reached the fake Slack API: before the last
probe went out, its turn ran while the probes were being acked. Before rule 7 was kept,
on 2 CPUs: p99 50 ms without, 5.9 s with (×118), the long DM answered after 6.6 s.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from bench.slack_ack import (
    _exchange,
    _request,
    event_body,
    server_env,
    start,
    wait_until,
)
from bench.slack_ack import senders as people
from bench.stats import line, percentile
from slack_app.testing.slack_api import FakeSlackAPI, demo_users, dm_channel

TARGET_RATIO = 1.5
CONNECTIONS = 16


@dataclass
class Run:
    name: str
    ms: list[float]  # the probes' acks
    long_ack_ms: float | None = None
    answered_after: float = float("inf")  # seconds from the long DM to its answer
    window: float = 0.0  # seconds from the first probe to the last

    def report(self) -> str:
        extra = ""
        if self.long_ack_ms is not None:
            after = f"{self.answered_after:.2f} s"
            during = self.answered_after <= self.window
            extra = (
                f"\n{'':<36} the long DM: ack {self.long_ack_ms:.1f} ms, answered after {after}"
                f" ({'within' if during else 'after'} the {self.window:.1f} s of probes)"
            )
        return f"{line(self.name, self.ms)}  max={max(self.ms):8.3f} ms{extra}"


async def paced(
    host: str, port: int, probes: list[bytes], interval: float, long: bytes | None
) -> tuple[list[float], float | None, float]:
    """Send probe i at start + i * interval (the long DM, if any, at start): the probes'
    ack times, the long DM's, and when (time.monotonic, as the fake Slack API's) it went."""
    conns = [await asyncio.open_connection(host, port) for _ in range(CONNECTIONS)]
    free: asyncio.Queue[tuple[asyncio.StreamReader, asyncio.StreamWriter]] = asyncio.Queue()
    for conn in conns:
        free.put_nowait(conn)
    begin = time.perf_counter() + 0.2  # connections are open: everything goes out on time

    async def one(request: bytes, at: float) -> float:
        await asyncio.sleep(max(0.0, at - time.perf_counter()))
        reader, writer = await free.get()
        try:
            ms, status = await _exchange(reader, writer, request)
        finally:
            free.put_nowait((reader, writer))
        if status != 200:
            raise SystemExit(f"an event was answered {status}")
        return ms

    try:
        sends = [one(r, begin + i * interval) for i, r in enumerate(probes)]
        if long is not None:
            sends.append(one(long, begin))
        started = time.monotonic() + max(0.0, begin - time.perf_counter())
        acks = await asyncio.gather(*sends)
    finally:
        for _, writer in conns:
            writer.close()
    return acks[: len(probes)], (acks[-1] if long is not None else None), started


def run(args: argparse.Namespace, workdir: Path, *, with_long: bool) -> Run:
    talker, *others = people()
    name = f"with one {args.chars:,}-char DM" if with_long else "without it"
    workdir.mkdir()
    with FakeSlackAPI(demo_users()) as fake:
        env = server_env(fake, workdir)
        server = start("serve", ["bench.slow_model", "--delay", "0"], env, workdir)
        try:
            host, port = server.base.removeprefix("http://").split(":")
            probes = [
                _request(host, event_body(others[i % len(others)], f"EvPROBE{i:06d}"))
                for i in range(args.probes)
            ]
            text = (args.unit * (args.chars // len(args.unit) + 1))[: args.chars]
            long = _request(host, event_body(talker, "EvLONG000001", text=text))
            acks, long_ack, sent = asyncio.run(
                paced(host, int(port), probes, args.interval, long if with_long else None)
            )
            result = Run(name, acks, long_ack, window=(args.probes - 1) * args.interval)
            if with_long:
                result.answered_after = answered(fake, dm_channel(talker), args.wait) - sent
        finally:
            server.stop()
    return result


def answered(fake: FakeSlackAPI, channel: str, wait: float) -> float:
    """When the answer in `channel` (the "Thinking…" message updated) reached the fake."""

    def updates() -> list[float]:
        return [c.at for c in fake.all_calls("chat.update") if c.body.get("channel") == channel]

    wait_until(lambda: bool(updates()), wait)
    return min(updates(), default=float("inf"))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--probes", type=int, default=100)
    parser.add_argument("--interval", type=float, default=0.08, help="seconds between probes")
    parser.add_argument("--chars", type=int, default=40_000, help="length of the long DM")
    parser.add_argument("--unit", default="a", help="what the long DM repeats (no spaces)")
    parser.add_argument("--wait", type=float, default=120.0, help="max seconds for its answer")
    args = parser.parse_args()
    print(
        f"{args.probes} signed message.im events, one every {args.interval * 1000:g} ms; "
        f"serve with its inline worker, offline model; loopback, {os.cpu_count()} CPUs"
    )
    with tempfile.TemporaryDirectory(prefix="long-message-") as tmp:
        without = run(args, Path(tmp) / "without", with_long=False)
        print(without.report())
        with_long = run(args, Path(tmp) / "with", with_long=True)
        print(with_long.report())
    p99 = percentile(with_long.ms, 99) / percentile(without.ms, 99)
    worst = max(with_long.ms) / max(without.ms)
    verdict = "ok" if p99 <= TARGET_RATIO else "OVER"
    print(f"with / without: p99 ×{p99:.2f}  max ×{worst:.2f}", end="  ")
    print(f"(target p99 ≤ ×{TARGET_RATIO:g}: {verdict})")


if __name__ == "__main__":
    main()
