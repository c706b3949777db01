"""A loopback Slack Web API: /api/<method> answers like Slack for the methods the bot uses.

Used through the real `slack_sdk` AsyncWebClient (`base_url=fake.url`), so request
encoding, error handling and our retries are exercised end to end. Every call is
recorded as (method, body): the query string, form fields and JSON body merged, with
JSON-valued form fields (`blocks`, `view`) parsed. `fail_once` makes the next call of a
method answer 429 (with Retry-After) or a 5xx, once; `slow` makes a method answer late.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl, urlsplit

BOT_USER = "UBOT"
TEAM = "T01ACME"
JSON_FIELDS = ("blocks", "view", "attachments", "users")


@dataclass(frozen=True)
class SlackUser:
    id: str
    email: str
    name: str = ""
    is_bot: bool = False

    def payload(self) -> dict[str, Any]:
        profile = {"email": self.email, "real_name": self.name or self.email}
        return {"id": self.id, "name": self.name, "is_bot": self.is_bot, "profile": profile}


@dataclass
class Call:
    method: str
    body: dict[str, Any]
    http_method: str = "POST"
    at: float = field(default_factory=time.monotonic)
    status: int = 200
    response: dict[str, Any] = field(default_factory=dict)


def demo_users() -> list[SlackUser]:
    """The demo org's people as Slack users; those without a slack_id get `U02<NAME>`."""
    from domain.orgdata.demo import load_demo_org

    return [
        SlackUser(p.slack_id or "U02" + p.id.split(".")[0].upper(), p.id, p.name)
        for p in load_demo_org().people
    ]


def dm_channel(user: str) -> str:
    """The D-channel the fake gives a user's DM with the bot: U01ALEX → D01ALEX."""
    return "D" + user[1:] if user.startswith(("U", "W")) else user


class FakeSlackAPI:
    """Start with `start()` or as a context manager; point the client at `.url`."""

    def __init__(self, users: Iterable[SlackUser] = ()) -> None:
        self.users = {u.id: u for u in users}
        self.socket_url = ""  # what apps.connections.open hands out (Socket Mode tests)
        self._calls: list[Call] = []
        self._failures: dict[str, list[tuple[int, int | None]]] = {}
        self._held: dict[str, threading.Event] = {}
        self._delays: dict[str, float] = {}
        self._ts = 1767225600_000000
        self._lock = threading.Lock()
        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
        self._httpd.fake = self  # type: ignore[attr-defined]
        self._thread = threading.Thread(
            target=self._httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )

    @property
    def url(self) -> str:
        host, port = self._httpd.server_address[:2]
        return f"http://{host!s}:{port}/api/"

    def start(self) -> FakeSlackAPI:
        self._thread.start()
        return self

    def close(self) -> None:
        for method in list(self._held):
            self.release(method)
        self._httpd.shutdown()
        self._httpd.server_close()

    def __enter__(self) -> FakeSlackAPI:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.close()

    # --- what tests use ---------------------------------------------------------------
    def add_user(self, user: SlackUser) -> None:
        self.users[user.id] = user

    def fail_once(self, method: str, status: int = 429, retry_after: int | None = 1) -> None:
        """The next call of `method` answers `status` (429 with Retry-After), then normally."""
        with self._lock:
            self._failures.setdefault(method, []).append((status, retry_after))

    def hold(self, method: str) -> threading.Event:
        """Calls of `method` are recorded as they come, then left unanswered until the
        returned event is set (a crash test kills the app while Slack has its call)."""
        with self._lock:
            return self._held.setdefault(method, threading.Event())

    def release(self, method: str) -> None:
        with self._lock:
            held = self._held.pop(method, None)
        if held is not None:
            held.set()

    def slow(self, method: str, seconds: float) -> None:
        """Every later call of `method` is answered `seconds` late (a slow Slack)."""
        with self._lock:
            self._delays[method] = seconds

    def calls(self, method: str | None = None) -> list[dict[str, Any]]:
        """Bodies of the calls received (of `method`, or all), in order; failed ones too."""
        with self._lock:
            return [c.body for c in self._calls if method is None or c.method == method]

    def all_calls(self, method: str | None = None) -> list[Call]:
        """Every call with its answer and when it came (`time.monotonic()`)."""
        with self._lock:
            return [c for c in self._calls if method is None or c.method == method]

    def wait_for(
        self,
        method: str,
        match: Callable[[dict[str, Any]], bool] = lambda body: True,
        *,
        count: int = 1,
        timeout: float = 10.0,
    ) -> list[dict[str, Any]]:
        """Poll until `count` calls of `method` match; AssertionError after `timeout` s."""
        deadline = time.monotonic() + timeout
        while True:
            found = [b for b in self.calls(method) if match(b)]
            if len(found) >= count:
                return found
            if time.monotonic() > deadline:
                seen = [c.method for c in self.all_calls()]
                raise AssertionError(
                    f"waited {timeout}s for {count} {method} call(s), got {len(found)}; "
                    f"calls so far: {seen}"
                )
            time.sleep(0.02)

    # --- the server side --------------------------------------------------------------
    def _record(self, call: Call) -> tuple[int, int | None] | None:
        with self._lock:
            self._calls.append(call)
            pending = self._failures.get(call.method)
            return pending.pop(0) if pending else None

    def _next_ts(self) -> str:
        with self._lock:
            self._ts += 1
            return f"{self._ts // 1_000_000}.{self._ts % 1_000_000:06d}"

    def answer(self, method: str, body: dict[str, Any]) -> dict[str, Any]:
        handler = _METHODS.get(method)
        if handler is None:
            return {"ok": False, "error": "unknown_method"}
        return handler(self, body)


def _post_message(fake: FakeSlackAPI, body: dict[str, Any]) -> dict[str, Any]:
    channel = dm_channel(str(body.get("channel", "")))
    ts = fake._next_ts()
    message = {"type": "message", "ts": ts, "text": body.get("text", ""), "bot_id": "BBOT"}
    return {"ok": True, "channel": channel, "ts": ts, "message": message}


def _update(fake: FakeSlackAPI, body: dict[str, Any]) -> dict[str, Any]:
    return {"ok": True, "channel": body.get("channel"), "ts": body.get("ts"), "text": ""}


def _ephemeral(fake: FakeSlackAPI, body: dict[str, Any]) -> dict[str, Any]:
    return {"ok": True, "message_ts": fake._next_ts()}


def _open(fake: FakeSlackAPI, body: dict[str, Any]) -> dict[str, Any]:
    users = body.get("users")
    user = users[0] if isinstance(users, list) else str(users or "").split(",")[0]
    if not user:
        return {"ok": False, "error": "users_list_not_supplied"}
    return {"ok": True, "channel": {"id": dm_channel(user)}}


def _view(fake: FakeSlackAPI, body: dict[str, Any]) -> dict[str, Any]:
    view = body.get("view") or {}
    view_id = body.get("view_id") or f"V{fake._next_ts().replace('.', '')}"
    return {"ok": True, "view": {**view, "id": view_id}}


def _users_info(fake: FakeSlackAPI, body: dict[str, Any]) -> dict[str, Any]:
    user = fake.users.get(str(body.get("user", "")))
    return (
        {"ok": True, "user": user.payload()} if user else {"ok": False, "error": "user_not_found"}
    )


def _lookup(fake: FakeSlackAPI, body: dict[str, Any]) -> dict[str, Any]:
    email = str(body.get("email", "")).casefold()
    user = next((u for u in fake.users.values() if u.email.casefold() == email), None)
    return (
        {"ok": True, "user": user.payload()} if user else {"ok": False, "error": "users_not_found"}
    )


def _connections_open(fake: FakeSlackAPI, body: dict[str, Any]) -> dict[str, Any]:
    if not fake.socket_url:
        return {"ok": False, "error": "not_allowed_token_type"}
    return {"ok": True, "url": fake.socket_url}


def _auth_test(fake: FakeSlackAPI, body: dict[str, Any]) -> dict[str, Any]:
    return {
        "ok": True,
        "url": "https://acme.slack.test/",
        "team": "Acme",
        "user": "access-agent",
        "team_id": TEAM,
        "user_id": BOT_USER,
        "bot_id": "BBOT",
    }


_METHODS: dict[str, Callable[[FakeSlackAPI, dict[str, Any]], dict[str, Any]]] = {
    "chat.postMessage": _post_message,
    "chat.update": _update,
    "chat.postEphemeral": _ephemeral,
    "conversations.open": _open,
    "views.open": _view,
    "views.publish": _view,
    "views.update": _view,
    "users.info": _users_info,
    "users.lookupByEmail": _lookup,
    "auth.test": _auth_test,
    "apps.connections.open": _connections_open,
}


def parse_body(query: str, raw: bytes, content_type: str) -> dict[str, Any]:
    body: dict[str, Any] = dict(parse_qsl(query, keep_blank_values=True))
    if raw and "json" in content_type:
        body.update(json.loads(raw))
    elif raw:
        body.update(parse_qsl(raw.decode(), keep_blank_values=True))
    for name in JSON_FIELDS:
        value = body.get(name)
        if isinstance(value, str) and value[:1] in "[{":
            body[name] = json.loads(value)
    return body


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def do_GET(self) -> None:
        self._serve("GET")

    def do_POST(self) -> None:
        self._serve("POST")

    def _serve(self, verb: str) -> None:
        fake: FakeSlackAPI = self.server.fake  # type: ignore[attr-defined]
        parts = urlsplit(self.path)
        raw = self.rfile.read(int(self.headers.get("Content-Length", 0) or 0))
        if not parts.path.startswith("/api/"):
            self._send(404, {"ok": False, "error": "not_found"})
            return
        method = parts.path.removeprefix("/api/")
        body = parse_body(parts.query, raw, self.headers.get("Content-Type", ""))
        call = Call(method, body, verb)
        failure = fake._record(call)
        held = fake._held.get(method)
        if held is not None:
            held.wait(timeout=60)
        time.sleep(fake._delays.get(method, 0.0))
        if failure is not None:
            call.status, retry_after = failure
            headers = {"Retry-After": str(retry_after)} if retry_after is not None else {}
            error = "ratelimited" if call.status == 429 else "internal_error"
            call.response = {"ok": False, "error": error}
            self._send(call.status, call.response, headers)
            return
        call.response = fake.answer(method, body)
        self._send(200, call.response)

    def _send(self, code: int, payload: Any, headers: dict[str, str] | None = None) -> None:
        data = json.dumps(payload).encode()
        try:
            self.send_response(code)
            self.send_header("Content-Type", "application/json; charset=utf-8")
            self.send_header("Content-Length", str(len(data)))
            for name, value in (headers or {}).items():
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(data)
        except (BrokenPipeError, ConnectionResetError):
            pass
