"""The edge of a real `access-agent serve` process: what uvicorn and the app do on the
wire, where the in-process tests cannot look."""

from __future__ import annotations

import socket
from pathlib import Path
from urllib.parse import urlsplit

from slack_app.testing.slack_api import FakeSlackAPI
from tests.scenario.test_serve_cli import _env, _serve

HUGE = 300 * 1024 * 1024


def test_serve_refuses_a_huge_body_before_it_is_sent(
    tmp_path: Path, slack_api: FakeSlackAPI
) -> None:
    server, base = _serve(tmp_path, _env(tmp_path, slack_api))
    try:
        port = urlsplit(base).port or 80
        with socket.create_connection(("127.0.0.1", port), timeout=10) as conn:
            head = (
                "POST /slack/events HTTP/1.1\r\nHost: edge\r\n"
                f"Content-Type: application/json\r\nContent-Length: {HUGE}\r\n\r\n{{"
            )
            conn.sendall(head.encode())  # one byte of the 300 MB: the answer comes anyway
            answer = conn.recv(4096)
        assert answer.startswith(b"HTTP/1.1 413"), answer
        assert len(slack_api.calls("auth.test")) == 1  # at start-up, not per request
    finally:
        server.terminate()
        server.wait(timeout=20)
