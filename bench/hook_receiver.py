"""The revoke storm's loopback webhook receiver, in a process of its own.

It does what docs/examples/webhook_receiver.py (the receiver teams copy) does, with
that example's own `verify`: refuses a request whose signature does not match or whose
timestamp is more than five minutes from now (401), and answers a repeated
Idempotency-Key with the first answer without acting again. Acting is counting: each
revoke it carries out is counted under its request id, and `GET /counts` hands back
those counts with how many requests came and what was answered. It runs in a process
of its own, as a real target would (in the bench's process it would share the
interpreter lock with the worker it measures), and keeps connections alive (HTTP/1.1,
without Nagle's delay), as a receiver behind a TLS terminator does.

`python -m bench.hook_receiver SECRET_ENV`: serve on a free loopback port (printed
first), verifying with the secret in the environment variable SECRET_ENV.
"""

from __future__ import annotations

import http.client
import importlib.util
import json
import os
import subprocess
import sys
import threading
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from types import ModuleType
from typing import Any
from urllib.parse import urlsplit

EXAMPLE = Path(__file__).resolve().parents[1] / "docs" / "examples" / "webhook_receiver.py"
Answer = tuple[int, dict[str, Any]]


def _load_example() -> ModuleType:
    """docs/examples is no package (teams copy the file), so it is loaded by path."""
    spec = importlib.util.spec_from_file_location("webhook_receiver_example", EXAMPLE)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


_example = _load_example()
verify: Callable[[bytes, str, str, bytes, float], bool] = _example.verify
MAX_BODY_BYTES: int = _example.MAX_BODY_BYTES


@dataclass
class Counts:
    """What the receiver saw: requests, answers by status, effects per request id."""

    requests: int = 0
    answers: Counter[int] = field(default_factory=Counter)
    revoked: Counter[str] = field(default_factory=Counter)
    granted: Counter[str] = field(default_factory=Counter)

    def as_json(self) -> dict[str, Any]:
        return {
            "requests": self.requests,
            "answers": {str(k): v for k, v in self.answers.items()},
            "revoked": dict(self.revoked),
            "granted": dict(self.granted),
        }

    @classmethod
    def from_json(cls, document: dict[str, Any]) -> Counts:
        return cls(
            requests=document["requests"],
            answers=Counter({int(k): v for k, v in document["answers"].items()}),
            revoked=Counter(document["revoked"]),
            granted=Counter(document["granted"]),
        )


class Receiver(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, secret: bytes) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.secret = secret
        self.answers: dict[str, Answer] = {}  # per Idempotency-Key, as the example keeps
        self.lock = threading.Lock()
        self.counts = Counts()

    def act(self, event: dict[str, Any]) -> Answer:
        """The example's `provision`: here, count the effect (called under `lock`)."""
        done = self.counts.revoked if event["action"] == "revoke" else self.counts.granted
        done[event["request"]["id"]] += 1
        return 200, {"username": event["account"]["username"]}


class _Handler(BaseHTTPRequestHandler):
    """The example's handler (docs/examples/webhook_receiver.py), counting its answers."""

    server: Receiver
    protocol_version = "HTTP/1.1"
    # Headers and body go out in two writes: on a kept-alive connection Nagle would hold
    # the body until the client's delayed ACK, 40 ms a call (the example, HTTP/1.0,
    # closes the connection instead, which sends it at once).
    disable_nagle_algorithm = True

    def do_POST(self) -> None:
        with self.server.lock:
            self.server.counts.requests += 1
        length = int(self.headers.get("Content-Length") or 0)
        if length > MAX_BODY_BYTES:
            return self._answer(413, {"error": "body too large"})
        body = self.rfile.read(length)
        timestamp = self.headers.get("X-Access-Agent-Timestamp", "")
        signature = self.headers.get("X-Access-Agent-Signature", "")
        if not verify(self.server.secret, timestamp, signature, body, time.time()):
            return self._answer(401, {"error": "bad signature or stale timestamp"})
        key = self.headers.get("Idempotency-Key", "")
        with self.server.lock:  # one effect per key, even when two deliveries race
            answer = self.server.answers.get(key)
            if answer is None:
                answer = self.server.act(json.loads(body))
                if 200 <= answer[0] < 300:
                    self.server.answers[key] = answer
        return self._answer(*answer)

    def do_GET(self) -> None:
        with self.server.lock:
            document = self.server.counts.as_json()
        payload = json.dumps(document).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    def _answer(self, status: int, document: dict[str, Any]) -> None:
        with self.server.lock:
            self.server.counts.answers[status] += 1
        payload = json.dumps(document).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    def log_message(self, format: str, *args: Any) -> None:
        return


def main() -> None:
    receiver = Receiver(os.environ[sys.argv[1]].encode())
    print(receiver.server_address[1], flush=True)
    receiver.serve_forever()


class ReceiverProcess:
    """`with ReceiverProcess("SECRET_ENV") as hook:` a receiver at `hook.url` for the
    block, verifying with the secret the variable holds in this process's environment."""

    def __init__(self, secret_env: str) -> None:
        self.secret_env = secret_env
        self.url = ""
        self._process: subprocess.Popen[str] | None = None

    def __enter__(self) -> ReceiverProcess:
        self._process = subprocess.Popen(
            [sys.executable, "-m", "bench.hook_receiver", self.secret_env],
            stdout=subprocess.PIPE,
            text=True,
        )
        assert self._process.stdout is not None
        self.url = f"http://127.0.0.1:{int(self._process.stdout.readline())}/hook"
        return self

    def __exit__(self, *exc: object) -> None:
        if self._process is not None:
            self._process.terminate()
            self._process.wait(timeout=10)

    def counts(self) -> Counts:
        parts = urlsplit(self.url)
        conn = http.client.HTTPConnection(parts.hostname or "", parts.port, timeout=30)
        conn.request("GET", "/counts")
        counts = Counts.from_json(json.loads(conn.getresponse().read()))
        conn.close()
        return counts


if __name__ == "__main__":
    main()
