"""`access-agent serve` and `socket` as an operator starts them."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx

from tests.fakes.slack_api import FakeSlackAPI
from tests.scenario.harness import SECRET, sign


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


def test_serve_answers_health_and_signed_events(tmp_path: Path, slack_api: FakeSlackAPI) -> None:
    port = _free_port()
    command = [sys.executable, "-m", "slack_app.cli", "serve", "--port", str(port)]
    env = _env(tmp_path, slack_api)
    server = subprocess.Popen(command, env=env, cwd=tmp_path, stderr=subprocess.PIPE)
    base = f"http://127.0.0.1:{port}"
    try:
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
        body = json.dumps({"type": "url_verification", "challenge": "c-1"})
        ts = int(time.time())
        headers = {
            "Content-Type": "application/json",
            "X-Slack-Request-Timestamp": str(ts),
            "X-Slack-Signature": sign(body, ts),
        }
        answered = httpx.post(f"{base}/slack/events", content=body, headers=headers, timeout=5)
        assert answered.json()["challenge"] == "c-1"
    finally:
        server.terminate()
        server.wait(timeout=20)


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
