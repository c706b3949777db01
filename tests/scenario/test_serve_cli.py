"""`access-agent serve` and `socket` as an operator starts them."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
from collections.abc import Mapping
from pathlib import Path

import httpx
from prometheus_client.parser import text_string_to_metric_families

from slack_app.testing.signing import SECRET, sign
from slack_app.testing.slack_api import FakeSlackAPI


def _env(tmp_path: Path, slack_api: FakeSlackAPI, **extra: str) -> dict[str, str]:
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'app.db'}",
        "ACCESS_AGENT_MODEL": "offline",
        "SLACK_BOT_TOKEN": "xoxb-test",
        "SLACK_SIGNING_SECRET": SECRET,
        "SLACK_API_URL": slack_api.url,
        **extra,
    }
    for name in ("OPENAI_API_KEY", "SLACK_APP_TOKEN"):
        if name not in extra:
            env.pop(name, None)
    return env


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _serve(tmp_path: Path, env: dict[str, str]) -> tuple[subprocess.Popen[bytes], str]:
    port = _free_port()
    command = [sys.executable, "-m", "slack_app.cli", "serve", "--port", str(port)]
    server = subprocess.Popen(command, env=env, cwd=tmp_path, stderr=subprocess.PIPE)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while True:
        try:
            health = httpx.get(f"{base}/healthz", timeout=1)
            break
        except httpx.TransportError:
            assert server.poll() is None, server.stderr.read() if server.stderr else ""
            assert time.monotonic() < deadline, "serve did not come up in 60 s"
            time.sleep(0.2)
    assert health.json() == {"ok": True, "database": "ok"}
    return server, base


def _post_signed(base: str, payload: Mapping[str, object]) -> httpx.Response:
    body = json.dumps(payload)
    ts = int(time.time())
    headers = {
        "Content-Type": "application/json",
        "X-Slack-Request-Timestamp": str(ts),
        "X-Slack-Signature": sign(body, ts),
    }
    return httpx.post(f"{base}/slack/events", content=body, headers=headers, timeout=5)


def test_serve_answers_health_and_signed_events(tmp_path: Path, slack_api: FakeSlackAPI) -> None:
    server, base = _serve(tmp_path, _env(tmp_path, slack_api))
    try:
        answered = _post_signed(base, {"type": "url_verification", "challenge": "c-1"})
        assert answered.json()["challenge"] == "c-1"
    finally:
        server.terminate()
        server.wait(timeout=20)


def test_serve_takes_events_in_and_a_separate_worker_does_the_work(
    tmp_path: Path, slack_api: FakeSlackAPI
) -> None:
    env = _env(tmp_path, slack_api, ACCESS_AGENT_WORKER="off")
    server, base = _serve(tmp_path, env)
    dm = {
        "type": "message",
        "channel": "D01ALEX",
        "channel_type": "im",
        "user": "U01ALEX",
        "text": "github write for 3 days",
        "ts": "1.000001",
    }
    envelope = {"type": "event_callback", "team_id": "T01ACME", "event_id": "EvSPLIT1", "event": dm}
    try:
        assert _post_signed(base, envelope).status_code == 200
        assert _post_signed(base, envelope).status_code == 200  # Slack's retry: kept once
    finally:
        server.terminate()
        server.wait(timeout=20)
    assert slack_api.calls("chat.postMessage") == []  # serve only took it in

    worker = [sys.executable, "-m", "slack_app.cli", "worker", "--once"]
    done = subprocess.run(
        worker, env=env, cwd=tmp_path, capture_output=True, text=True, timeout=120, check=False
    )
    assert done.returncode == 0, done.stderr
    assert "handled 1 waiting event" in done.stderr
    assert len(slack_api.calls("chat.postMessage")) == 1  # "Thinking…", once
    (card,) = slack_api.calls("chat.update")
    assert "GitHub" in card["text"] and card["channel"] == "D01ALEX"


def scraped(text: str, name: str, **labels: str) -> float | None:
    """One sample of a /metrics page, read with prometheus_client's own parser."""
    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            if sample.name == name and sample.labels == labels:
                return float(sample.value)
    return None


def test_a_separate_workers_counters_show_on_serves_metrics(
    tmp_path: Path, slack_api: FakeSlackAPI
) -> None:
    """`serve` and `access-agent worker` share PROMETHEUS_MULTIPROC_DIR: the job the
    worker process did is counted on serve's /metrics, beside serve's own requests."""
    shared = tmp_path / "prometheus"
    env = _env(
        tmp_path,
        slack_api,
        ACCESS_AGENT_WORKER="off",
        SCHEDULER_INTERVAL_SECONDS="0",
        PROMETHEUS_MULTIPROC_DIR=str(shared),
    )
    dm = {"type": "message", "channel": "D01ALEX", "channel_type": "im", "user": "U01ALEX"}
    dm |= {"text": "github write for 3 days", "ts": "1.000001"}
    envelope = {"type": "event_callback", "team_id": "T01ACME", "event_id": "EvMP1", "event": dm}
    done = "access_agent_inbox_jobs_total"
    server, base = _serve(tmp_path, env)
    try:
        assert _post_signed(base, envelope).status_code == 200
        before = httpx.get(f"{base}/metrics", timeout=5).text
        worker = [sys.executable, "-m", "slack_app.cli", "worker", "--once"]
        ran = subprocess.run(
            worker, env=env, cwd=tmp_path, capture_output=True, text=True, timeout=120, check=False
        )
        assert ran.returncode == 0, ran.stderr
        after = httpx.get(f"{base}/metrics", timeout=5).text
    finally:
        server.terminate()
        server.wait(timeout=20)
    assert scraped(before, done, outcome="done") == 0
    assert scraped(after, done, outcome="done") == 1  # counted in the worker process
    events = {"endpoint": "/slack/events", "status": "200"}
    assert scraped(after, "access_agent_http_requests_total", **events) == 1  # serve's own
    assert scraped(after, "access_agent_inbox_waiting") == 0  # read from the store
    assert len(slack_api.calls("chat.postMessage")) == 1  # the worker did answer


def test_socket_without_an_app_token_says_what_is_missing(
    tmp_path: Path, slack_api: FakeSlackAPI
) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "slack_app.cli", "socket"],
        env=_env(tmp_path, slack_api),
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 1
    assert "SLACK_APP_TOKEN" in done.stderr and "Traceback" not in done.stderr


def test_a_worker_runs_until_sigterm_then_stops_cleanly(
    tmp_path: Path, slack_api: FakeSlackAPI
) -> None:
    env = _env(tmp_path, slack_api, SCHEDULER_INTERVAL_SECONDS="0.2")
    worker = subprocess.Popen(
        [sys.executable, "-m", "slack_app.cli", "worker"],
        env=env,
        cwd=tmp_path,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert worker.stderr is not None
    seen: list[str] = []
    deadline = time.monotonic() + 60
    while not any("taking Slack events" in line for line in seen):
        assert time.monotonic() < deadline and worker.poll() is None, "".join(seen)
        seen.append(worker.stderr.readline())
    worker.terminate()  # SIGTERM, as an orchestrator stops it
    assert worker.wait(timeout=30) == 0
    rest = worker.stderr.read()
    assert "Traceback" not in rest
