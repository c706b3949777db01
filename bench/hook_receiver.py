"""The revoke storm's loopback webhook target and the bench's HTTP connector.

The receiver runs in a process of its own, as a real target would (in the bench's
process it would share the interpreter lock with the worker it measures). It counts
the distinct Idempotency-Keys it was sent, as a target that honours the key would,
and hands the counts back on `GET /keys`. The connector keeps one keep-alive
connection per thread, as an HTTP client's pool does.
"""

from __future__ import annotations

import http.client
import json
import subprocess
import sys
import threading
from collections import Counter
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlsplit

from domain.model.requests import AccessRequest, RequestItem
from domain.ports import FulfillmentResult, Outcome, TransientConnectorError


class Receiver(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.keys: Counter[str] = Counter()
        self.lock = threading.Lock()


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        json.loads(body)
        server = self.server
        assert isinstance(server, Receiver)
        with server.lock:
            server.keys[self.headers.get("Idempotency-Key") or ""] += 1
        self.send_response(204)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def do_GET(self) -> None:
        server = self.server
        assert isinstance(server, Receiver)
        with server.lock:
            body = json.dumps(dict(server.keys)).encode()
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:
        return


def main() -> None:
    """`python -m bench.hook_receiver`: serve on a free loopback port, printed first."""
    receiver = Receiver()
    print(receiver.server_address[1], flush=True)
    receiver.serve_forever()


class ReceiverProcess:
    """`with ReceiverProcess() as hook:` a receiver at `hook.url` for the block."""

    def __init__(self) -> None:
        self.url = ""
        self._process: subprocess.Popen[str] | None = None

    def __enter__(self) -> ReceiverProcess:
        self._process = subprocess.Popen(
            [sys.executable, "-m", "bench.hook_receiver"], stdout=subprocess.PIPE, text=True
        )
        assert self._process.stdout is not None
        self.url = f"http://127.0.0.1:{int(self._process.stdout.readline())}/hook"
        return self

    def __exit__(self, *exc: object) -> None:
        if self._process is not None:
            self._process.terminate()
            self._process.wait(timeout=10)

    def keys(self) -> Counter[str]:
        """How often each key was sent."""
        parts = urlsplit(self.url)
        conn = http.client.HTTPConnection(parts.hostname or "", parts.port, timeout=30)
        conn.request("GET", "/keys")
        counts = Counter[str](json.loads(conn.getresponse().read()))
        conn.close()
        return counts


class HttpConnector:
    """A minimal webhook: a JSON POST with an Idempotency-Key header, 2xx = done."""

    name = "bench-webhook"

    def __init__(self, url: str) -> None:
        self.url = url
        self._parts = urlsplit(url)
        self._local = threading.local()

    def grant(self, request: AccessRequest, item: RequestItem, *, key: str) -> FulfillmentResult:
        return self._post("grant", request, item, key)

    def revoke(self, request: AccessRequest, item: RequestItem, *, key: str) -> FulfillmentResult:
        return self._post("revoke", request, item, key)

    def _post(
        self, action: str, request: AccessRequest, item: RequestItem, key: str
    ) -> FulfillmentResult:
        body = json.dumps(
            {
                "action": action,
                "request": request.id,
                "entitlement": item.entitlement_id,
                "identity": item.identity_id,
            }
        ).encode()
        headers = {"Content-Type": "application/json", "Idempotency-Key": key}
        try:
            status = self._send(body, headers)
        except OSError as exc:
            self._local.conn = None
            raise TransientConnectorError(str(exc)) from exc
        if status >= 300:
            return FulfillmentResult(Outcome.FAILED, f"HTTP {status}")
        return FulfillmentResult(Outcome.DONE)

    def _send(self, body: bytes, headers: dict[str, str]) -> int:
        conn: http.client.HTTPConnection | None = getattr(self._local, "conn", None)
        if conn is None:
            host, port = self._parts.hostname or "", self._parts.port
            conn = self._local.conn = http.client.HTTPConnection(host, port, timeout=10)
        conn.request("POST", self._parts.path, body=body, headers=headers)
        answer = conn.getresponse()
        answer.read()
        return answer.status


if __name__ == "__main__":
    main()
