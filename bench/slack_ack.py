"""`python -m bench.slack_ack [--requests 100] [--concurrency 100]`: Slack ack latency.

Slack gives an app 3 s to answer an event before it retries; the product must ack at
once and do the agent turn afterwards. With the model taking DELAY s (default 2) per
call, N signed `event_callback` message.im events (distinct event ids, the demo org's
people as senders, "github write for 2 weeks") are written at once over N kept-alive
loopback connections, and the time from each request to its HTTP response — the ack —
is measured. The client speaks raw HTTP/1.1 on asyncio streams with every request
signed and encoded beforehand, so its own CPU barely shows in the numbers.

Three servers, one after the other, each warmed up by one signed event first:
- the product, `access-agent serve` with its inline worker (`bench.slow_model`: serve
  with the slow model passed to `create_app`);
- the product split: `serve` with ACCESS_AGENT_WORKER=off, and the worker (slow model)
  in its own process — the acks then share the CPUs but not the event loop;
- a baseline: a bare Bolt AsyncApp with one `message` listener that acks and sleeps
  DELAY s in the background, behind FastAPI + uvicorn.
Prints p50/p99 (target p99 ≤ 50 ms for the product), requests per second, the ratios
product/baseline, and — after waiting (bounded) for the background work — how many
answers (chat.update) the fake Slack API saw. The demo org has 42 active people with a
Slack id, so with 100 events some conversations get two or three turns (superseded
cards show up among the updates).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

import httpx
from fastapi import FastAPI, Request, Response
from fastapi.responses import JSONResponse
from slack_bolt.adapter.fastapi.async_handler import AsyncSlackRequestHandler
from slack_bolt.async_app import AsyncAck, AsyncApp
from slack_sdk.web.async_client import AsyncWebClient

from bench.stats import line, percentile
from domain.orgdata.demo import load_demo_org
from slack_app.settings import Settings
from slack_app.slackapi import replies
from slack_app.testing.signing import SECRET, sign
from slack_app.testing.slack_api import TEAM, FakeSlackAPI, demo_users, dm_channel

ROOT = Path(__file__).resolve().parent.parent
EVENTS = "/slack/events"
TEXT = "github write for 2 weeks"
TARGET_P99_MS = 50.0
SLACK_TIMEOUT_MS = 3000.0


# --- the baseline server (run in its own process: `--serve-baseline`) ------------------
def baseline_app(settings: Settings, delay: float) -> FastAPI:
    """A bare AsyncApp: one `message` listener that acks, then sleeps in the background.
    (FastAPI's names are imported at module level: it reads the annotations.)"""
    client = AsyncWebClient(token=settings.slack_bot_token, base_url=settings.slack_api_url)
    bolt = AsyncApp(client=client, signing_secret=settings.slack_signing_secret or "")
    done = {"count": 0}

    @bolt.event("message")
    async def on_message(ack: AsyncAck) -> None:
        await ack()
        await asyncio.sleep(delay)
        done["count"] += 1

    handler = AsyncSlackRequestHandler(bolt)
    api = FastAPI(docs_url=None, redoc_url=None, openapi_url=None)

    @api.post(EVENTS)
    async def events(request: Request) -> Response:
        return await handler.handle(request)

    @api.get("/healthz")
    async def healthz() -> Response:
        return JSONResponse({"ok": True})

    @api.get("/done")
    async def finished() -> Response:
        return JSONResponse(done)

    return api


def serve_baseline(port: int, delay: float) -> None:
    import uvicorn

    settings = Settings()
    app = baseline_app(settings, delay)
    uvicorn.run(app, host="127.0.0.1", port=port, log_level=settings.log_level.lower())


# --- load -------------------------------------------------------------------------------
def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def senders() -> list[str]:
    """Active demo people with a Slack id (the product answers them with a turn)."""
    return [p.slack_id for p in load_demo_org().people if p.slack_id and p.active]


def event_body(user: str, event_id: str, *, bot: bool = False, text: str = TEXT) -> str:
    now = f"{time.time():.6f}"
    event: dict[str, Any] = {
        "type": "message",
        "channel": dm_channel(user),
        "channel_type": "im",
        "user": user,
        "text": text,
        "ts": now,
        "event_ts": now,
    }
    if bot:  # the warm-up: a message the product ignores (not a person's)
        event.update(bot_id="BWARMUP", subtype="bot_message")
    return json.dumps(
        {
            "token": "legacy",
            "team_id": TEAM,
            "api_app_id": "A01ACCESS",
            "type": "event_callback",
            "event_id": event_id,
            "event_time": int(time.time()),
            "event": event,
            "authorizations": [{"team_id": TEAM, "user_id": "UBOT", "is_bot": True}],
        }
    )


def signed(body: str) -> dict[str, str]:
    ts = int(time.time())
    return {
        "Content-Type": "application/json",
        "X-Slack-Request-Timestamp": str(ts),
        "X-Slack-Signature": sign(body, ts),
    }


@dataclass
class Burst:
    name: str
    ms: list[float]
    statuses: list[int]
    wall: float  # seconds from the first send to the last response

    @property
    def rps(self) -> float:
        return len(self.ms) / self.wall if self.wall > 0 else float("nan")

    def report(self, target: float | None = None) -> str:
        ok = sum(1 for s in self.statuses if s == 200)
        return (
            f"{line(self.name, self.ms, target)}\n"
            f"{'':<36} max={max(self.ms):8.3f} ms  {self.rps:7.1f} req/s  "
            f"200s: {ok}/{len(self.statuses)}"
        )


async def burst(name: str, base: str, bodies: list[str], concurrency: int) -> Burst:
    """Post `bodies` at once over `concurrency` keep-alive connections opened (and
    warmed up) beforehand, timing each from the request's last byte written to the
    response read. Raw HTTP/1.1 on asyncio streams: an HTTP client library in this
    interpreter cost ~1-2 ms of CPU per request, which showed up as ack latency."""
    host, port = base.removeprefix("http://").split(":")
    conns = [await asyncio.open_connection(host, int(port)) for _ in range(concurrency)]
    try:
        warm_up = event_body("UWARMUP", f"EvWARMUP{time.time_ns()}", bot=True)
        await _exchange(*conns[0], _request(host, warm_up))
        free: asyncio.Queue[tuple[asyncio.StreamReader, asyncio.StreamWriter]] = asyncio.Queue()
        for conn in conns:
            free.put_nowait(conn)
        requests = [_request(host, b) for b in bodies]  # signed and encoded up front

        async def one(request: bytes) -> tuple[float, int]:
            reader, writer = await free.get()
            try:
                return await _exchange(reader, writer, request)
            finally:
                free.put_nowait((reader, writer))

        started = time.perf_counter()
        results = await asyncio.gather(*(one(r) for r in requests))
        wall = time.perf_counter() - started
    finally:
        for _, writer in conns:
            writer.close()
    return Burst(name, [ms for ms, _ in results], [s for _, s in results], wall)


def _request(host: str, body: str) -> bytes:
    raw = body.encode()
    head = [f"POST {EVENTS} HTTP/1.1", f"Host: {host}", f"Content-Length: {len(raw)}"]
    head += [f"{k}: {v}" for k, v in signed(body).items()]
    return ("\r\n".join(head) + "\r\n\r\n").encode() + raw


async def _exchange(
    reader: asyncio.StreamReader, writer: asyncio.StreamWriter, request: bytes
) -> tuple[float, int]:
    """Send one request on a kept-alive connection; (ms to the whole answer, status)."""
    start = time.perf_counter()
    writer.write(request)
    await writer.drain()
    head = await reader.readuntil(b"\r\n\r\n")
    elapsed = (time.perf_counter() - start) * 1000
    lines = head.decode("latin-1").split("\r\n")
    length = next(
        (int(v) for k, _, v in (h.partition(":") for h in lines) if k.lower() == "content-length"),
        0,
    )
    if length:
        await reader.readexactly(length)
    return elapsed, int(lines[0].split()[1])


# --- servers ------------------------------------------------------------------------------
@dataclass
class Server:
    name: str
    process: subprocess.Popen[bytes]
    base: str
    log: IO[bytes]

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=10)
        self.log.close()


def start(name: str, args: list[str], env: dict[str, str], workdir: Path) -> Server:
    port = free_port()
    log = (workdir / f"{name}.log").open("wb")
    process = subprocess.Popen(
        [sys.executable, "-m", *args, "--port", str(port)],
        env=env,
        cwd=workdir,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    server = Server(name, process, f"http://127.0.0.1:{port}", log)
    deadline = time.monotonic() + 60
    while True:
        try:
            if httpx.get(f"{server.base}/healthz", timeout=1).status_code == 200:
                return server
        except httpx.TransportError:
            pass
        if process.poll() is not None or time.monotonic() > deadline:
            server.stop()
            tail = (workdir / f"{name}.log").read_text(errors="replace")[-2000:]
            raise SystemExit(f"{name} did not come up:\n{tail}")
        time.sleep(0.2)


def wait_until(check: Callable[[], bool], timeout: float) -> float:
    """Poll `check` until true or `timeout` s; the seconds it took (or `timeout`)."""
    started = time.monotonic()
    while not check() and time.monotonic() - started < timeout:
        time.sleep(0.1)
    return time.monotonic() - started


def server_env(fake: FakeSlackAPI, workdir: Path) -> dict[str, str]:
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])),
        "DATABASE_URL": f"sqlite:///{workdir / 'app.db'}",
        "ACCESS_AGENT_DEMO": "true",
        "ACCESS_AGENT_MODEL": "offline",
        "SLACK_BOT_TOKEN": "xoxb-bench",
        "SLACK_SIGNING_SECRET": SECRET,
        "SLACK_API_URL": fake.url,
        "LOG_LEVEL": os.environ.get("LOG_LEVEL", "INFO"),
    }
    for name in ("OPENAI_API_KEY", "SLACK_APP_TOKEN", "ACCESS_AGENT_ORG_FILE"):
        env.pop(name, None)
    return env


def ack_metrics(base: str) -> str:
    """The product's own ack histogram (/metrics: handler time, not queueing before it)."""
    values: dict[str, float] = {}
    for row in httpx.get(f"{base}/metrics", timeout=5).text.splitlines():
        if row.startswith("access_agent_slack_ack_seconds"):
            name, value = row.rsplit(" ", 1)
            values[name] = float(value)
    count = values.get("access_agent_slack_ack_seconds_count", 0.0)
    within = values.get('access_agent_slack_ack_seconds_bucket{le="0.05"}', 0.0)
    mean = values.get("access_agent_slack_ack_seconds_sum", 0.0) / count * 1000 if count else 0
    return (
        f"server-side (its /metrics, warm-up included): mean {mean:.1f} ms, "
        f"≤ 50 ms: {within:.0f}/{count:.0f}"
    )


# --- the run ------------------------------------------------------------------------------
def answered(fake: FakeSlackAPI) -> set[tuple[str, str]]:
    """The "Thinking…" messages updated in place: one per finished turn."""
    return {(str(b.get("channel")), str(b.get("ts"))) for b in fake.calls("chat.update")}


def kinds(fake: FakeSlackAPI) -> str:
    counts = {"card": 0, "failed": 0, "superseded": 0, "other": 0}
    for body in fake.calls("chat.update"):
        text = str(body.get("text", ""))
        if replies.is_card(body):
            counts["card"] += 1
        elif text == replies.FAILED:
            counts["failed"] += 1
        elif text == replies.SUPERSEDED:
            counts["superseded"] += 1
        else:
            counts["other"] += 1
    return ", ".join(f"{k} {v}" for k, v in counts.items())


def run_product(args: argparse.Namespace, workdir: Path, *, split: bool) -> Burst:
    """`serve` doing the work itself (inline), or only taking events in while an
    `access-agent worker` process does the work (split)."""
    users = senders()
    name = "product split (serve + worker)" if split else "product (serve, inline worker)"
    with FakeSlackAPI(demo_users()) as fake:
        env = server_env(fake, workdir / ("split" if split else "inline"))
        env["ACCESS_AGENT_WORKER"] = "off" if split else "inline"
        slow = ["bench.slow_model", "--delay", str(args.delay)]
        server = start("product", slow, env, workdir)
        worker = start_worker([*slow, "--worker"], env, workdir) if split else None
        try:
            bodies = [
                event_body(users[i % len(users)], f"EvBENCH{i:06d}") for i in range(args.requests)
            ]
            sent = time.monotonic()
            result = asyncio.run(burst(name, server.base, bodies, args.concurrency))
            server_side = ack_metrics(server.base)
            waited = wait_until(lambda: len(answered(fake)) >= args.requests, args.wait)
            done = len(answered(fake))
            print(result.report(TARGET_P99_MS))
            print(
                f"{'':<36} background: {done}/{args.requests} turns answered "
                f"{time.monotonic() - sent:.1f} s after the burst "
                f"(waited {waited:.1f} s, limit {args.wait:.0f} s); "
                f"chat.postMessage {len(fake.calls('chat.postMessage'))}, "
                f"chat.update {len(fake.calls('chat.update'))} ({kinds(fake)}); "
                f"{len(users)} distinct senders"
            )
            print(f"{'':<36} {server_side}")
        finally:
            server.stop()
            if worker is not None:
                worker.terminate()
                worker.wait(timeout=30)
    return result


def start_worker(args: list[str], env: dict[str, str], workdir: Path) -> subprocess.Popen[bytes]:
    """The worker process, once it says it is taking jobs (its start-up is not timed)."""
    path = workdir / "worker.log"
    with path.open("wb") as log:
        worker = subprocess.Popen(
            [sys.executable, "-m", *args], env=env, cwd=workdir, stdout=log, stderr=log
        )
    ready = wait_until(lambda: "inbox worker started" in path.read_text(errors="replace"), 60)
    if ready >= 60 or worker.poll() is not None:
        worker.kill()
        raise SystemExit(f"the worker did not start:\n{path.read_text(errors='replace')[-2000:]}")
    return worker


def run_baseline(args: argparse.Namespace, workdir: Path) -> Burst:
    with FakeSlackAPI(demo_users()) as fake:
        env = server_env(fake, workdir)
        server = start(
            "baseline",
            ["bench.slack_ack", "--serve-baseline", "--delay", str(args.delay)],
            env,
            workdir,
        )
        try:
            users = senders()
            bodies = [
                event_body(users[i % len(users)], f"EvBASE{i:06d}") for i in range(args.requests)
            ]
            sent = time.monotonic()
            result = asyncio.run(
                burst("baseline (bare AsyncApp)", server.base, bodies, args.concurrency)
            )

            def finished() -> int:
                return int(httpx.get(f"{server.base}/done", timeout=5).json()["count"])

            expected = args.requests + 1  # and the warm-up
            waited = wait_until(lambda: finished() >= expected, args.wait)
            print(result.report())
            print(
                f"{'':<36} background: {finished()}/{expected} sleeps done "
                f"{time.monotonic() - sent:.1f} s after the burst (waited {waited:.1f} s)"
            )
        finally:
            server.stop()
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--requests", type=int, default=100)
    parser.add_argument("--concurrency", type=int, default=100)
    parser.add_argument("--delay", type=float, default=2.0, help="seconds per model call")
    parser.add_argument("--wait", type=float, default=60.0, help="max seconds for background")
    parser.add_argument("--serve-baseline", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--port", type=int, default=0, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve_baseline:
        serve_baseline(args.port, args.delay)
        return
    print(
        f"{args.requests} signed message.im events, {args.concurrency} at a time, "
        f"model {args.delay:g} s per call, loopback, {os.cpu_count()} CPUs"
    )
    with tempfile.TemporaryDirectory(prefix="slack-ack-") as tmp:
        for mode in ("inline", "split"):
            (Path(tmp) / mode).mkdir()
        products = [run_product(args, Path(tmp), split=split) for split in (False, True)]
        baseline = run_baseline(args, Path(tmp))
    for product in products:
        p50 = percentile(product.ms, 50) / percentile(baseline.ms, 50)
        p99 = percentile(product.ms, 99) / percentile(baseline.ms, 99)
        rps = product.rps / baseline.rps
        print(f"{product.name} / baseline: p50 ×{p50:.2f}  p99 ×{p99:.2f}  req/s ×{rps:.2f}")
        worst = max(product.ms)
        verdict = "ok" if percentile(product.ms, 99) <= TARGET_P99_MS else "OVER"
        print(
            f"  target p99 ≤ {TARGET_P99_MS:g} ms: {verdict}; "
            f"slowest ack {worst:.0f} ms of Slack's {SLACK_TIMEOUT_MS:g} ms"
        )
    bad = [s for p in [*products, baseline] for s in p.statuses if s != 200]
    if bad:
        raise SystemExit(f"{len(bad)} responses were not 200: {sorted(set(bad))}")


if __name__ == "__main__":
    main()
