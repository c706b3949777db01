"""A webhook receiver for access-agent's webhook connector (docs/webhooks.md).

Standard library only: copy it, replace `provision` with what your team does for a
grant or a revoke, and run it behind your TLS terminator:

    WEBHOOK_SECRET=... python webhook_receiver.py --port 8080

It refuses a request whose signature does not match (401) or whose timestamp is more
than five minutes away from now (401: a replay), answers a repeated Idempotency-Key
with the first answer without acting again, and answers 2xx only once the work is
done: access-agent records the grant as done on 2xx, retries on 5xx/429/408 and
records a failure on any other 4xx, with the text of your answer.
"""

from __future__ import annotations

import argparse
import hashlib
import hmac
import json
import os
import threading
import time
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

MAX_SKEW_SECONDS = 300
MAX_BODY_BYTES = 1024 * 1024

Event = dict[str, Any]
Answer = tuple[int, dict[str, Any]]  # HTTP status, JSON body


def expected_signature(secret: bytes, timestamp: str, body: bytes) -> str:
    """HMAC-SHA256 over the timestamp header, a dot, and the raw body, as `v1=<hex>`."""
    digest = hmac.new(secret, timestamp.encode("ascii") + b"." + body, hashlib.sha256)
    return "v1=" + digest.hexdigest()


def verify(secret: bytes, timestamp: str, signature: str, body: bytes, now: float) -> bool:
    """True when the request was signed with `secret` within MAX_SKEW_SECONDS of `now`."""
    try:
        sent = int(timestamp)
    except ValueError:
        return False
    if abs(now - sent) > MAX_SKEW_SECONDS:
        return False
    return hmac.compare_digest(expected_signature(secret, timestamp, body), signature)


def provision(event: Event) -> Answer:
    """Replace with your own provisioning. `event["action"]` is "grant" or "revoke"."""
    account = event["account"]["username"]
    print(f"{event['action']} {event['target']} for {account} ({event['person']['name']})")
    return 200, {"username": account}  # for a new account, the name you gave it


class Receiver(ThreadingHTTPServer):
    """Remembers the answer to each Idempotency-Key (in memory here: keep them in your
    database if a restart must not act twice)."""

    def __init__(
        self, address: tuple[str, int], secret: bytes, handle: Callable[[Event], Answer]
    ) -> None:
        super().__init__(address, _Handler)
        self.secret, self.handle = secret, handle
        self.answers: dict[str, Answer] = {}
        self.lock = threading.Lock()


class _Handler(BaseHTTPRequestHandler):
    server: Receiver

    def do_POST(self) -> None:
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
                answer = self.server.handle(json.loads(body))
                if 200 <= answer[0] < 300:
                    self.server.answers[key] = answer
        return self._answer(*answer)

    def _answer(self, status: int, document: dict[str, Any]) -> None:
        payload = json.dumps(document).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    def log_message(self, format: str, *args: Any) -> None:  # quiet; log your own way
        pass


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8080)
    args = parser.parse_args()
    secret = os.environ["WEBHOOK_SECRET"].encode()
    Receiver((args.host, args.port), secret, provision).serve_forever()


if __name__ == "__main__":
    main()
