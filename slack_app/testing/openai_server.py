"""A loopback OpenAI-compatible server: POST /v1/chat/completions plays a script.

Used through the real `openai` client, so requests, retries, timeouts and parsing are
exercised end to end. Each request takes the next scripted behaviour: a reply with an
`Ask`, raw content (e.g. invalid JSON, or a huge reply), a refusal (`message.refusal`),
an HTTP error, or a hang past the client's timeout. Token counts are the fake's own
approximation (see `count_tokens`), not a real tokenizer's; cached tokens imitate prefix
caching of a repeated system prompt.
"""

from __future__ import annotations

import json
import re
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from agent.ask import Ask

CACHE_MIN_TOKENS = 1024  # like OpenAI: only prompts this long are cached, in 128-token steps
CACHE_STEP = 128
_TOKEN = re.compile(r"\w+|[^\w\s]")


def count_tokens(text: str) -> int:
    """Words and punctuation marks: a rough, deterministic stand-in for a tokenizer."""
    return len(_TOKEN.findall(text))


@dataclass(frozen=True)
class Content:
    """Answer 200 with this exact assistant message content."""

    text: str


@dataclass(frozen=True)
class Refusal:
    """Answer 200 with `message.refusal` set and no content: the model declined."""

    text: str = "I'm sorry, I can't help with that."


@dataclass(frozen=True)
class Status:
    """Answer with an HTTP error status."""

    code: int
    headers: Mapping[str, str] = field(default_factory=dict)
    message: str = "scripted error"


@dataclass(frozen=True)
class Hang:
    """Send nothing for `seconds` (longer than the client's timeout), then a reply."""

    seconds: float
    then: Content | Refusal | Status = Status(504, message="hung")


Behaviour = Content | Refusal | Status | Hang


def reply(ask: Mapping[str, Any]) -> Content:
    """A well-formed strict reply: every field of `Ask`, as a strict model writes it."""
    return Content(Ask.model_validate(ask).model_dump_json())


def rate_limited(retry_after: float = 0) -> Status:
    return Status(429, {"Retry-After": str(retry_after)}, "rate limited")


def server_error(code: int = 500) -> Status:
    return Status(code, message="server error")


def invalid_json(text: str = '{"action": "request", "kind": ') -> Content:
    return Content(text)


def hang(seconds: float = 2.0) -> Hang:
    return Hang(seconds)


def refusal(text: str = Refusal.text) -> Refusal:
    return Refusal(text)


class FakeOpenAIServer:
    """Start with `start()` (or use as a context manager); point the client at `.url`."""

    def __init__(self, responder: Callable[[dict[str, Any]], Behaviour] | None = None) -> None:
        self.responder = responder  # answers when the script is empty (benchmarks)
        self.requests: list[dict[str, Any]] = []  # every JSON body received, in order
        self.headers: list[dict[str, str]] = []  # their headers, names lower-cased
        self._script: list[Behaviour] = []
        self._seen_prefixes: set[str] = set()
        self._lock = threading.Lock()
        self._closing = threading.Event()
        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
        self._httpd.fake = self  # type: ignore[attr-defined]
        self._thread = threading.Thread(
            target=self._httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )

    @property
    def url(self) -> str:
        host, port = self._httpd.server_address[:2]
        return f"http://{host!s}:{port}/v1"

    def script(self, *behaviours: Behaviour) -> None:
        """Queue what the next requests get, one behaviour per request."""
        with self._lock:
            self._script.extend(behaviours)

    def start(self) -> FakeOpenAIServer:
        self._thread.start()
        return self

    def close(self) -> None:
        self._closing.set()  # wakes hanging handlers
        self._httpd.shutdown()
        self._httpd.server_close()

    def __enter__(self) -> FakeOpenAIServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _next(self, body: dict[str, Any], headers: dict[str, str]) -> Behaviour:
        with self._lock:
            self.requests.append(body)
            self.headers.append(headers)
            if self._script:
                return self._script.pop(0)
        if self.responder is not None:
            return self.responder(body)
        return Status(500, message="fake openai server: script exhausted")

    def _usage(self, body: dict[str, Any], completion: str) -> dict[str, Any]:
        messages = body.get("messages", [])
        prompt = sum(count_tokens(str(m.get("content", ""))) for m in messages)
        prefix = str(messages[0].get("content", "")) if messages else ""
        with self._lock:
            cached = _cached_tokens(prefix) if prefix in self._seen_prefixes else 0
            self._seen_prefixes.add(prefix)
        done = count_tokens(completion)
        return {
            "prompt_tokens": prompt,
            "completion_tokens": done,
            "total_tokens": prompt + done,
            "prompt_tokens_details": {"cached_tokens": cached, "audio_tokens": 0},
            "completion_tokens_details": {"reasoning_tokens": 0, "audio_tokens": 0},
        }


def _cached_tokens(prefix: str) -> int:
    tokens = count_tokens(prefix)
    return tokens - tokens % CACHE_STEP if tokens >= CACHE_MIN_TOKENS else 0


def completion_body(
    n: int, model: str, content: str | None, usage: dict[str, Any], refused: str | None = None
) -> dict[str, Any]:
    message = {"role": "assistant", "content": content, "refusal": refused}
    return {
        "id": f"chatcmpl-fake-{n}",
        "object": "chat.completion",
        "created": 1767225600,  # fixed, so recordings are reproducible
        "model": model,
        "choices": [{"index": 0, "message": message, "finish_reason": "stop", "logprobs": None}],
        "usage": usage,
        "system_fingerprint": "fake",
    }


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: Any) -> None:  # quiet test output
        pass

    def do_POST(self) -> None:
        fake: FakeOpenAIServer = self.server.fake  # type: ignore[attr-defined]
        length = int(self.headers.get("Content-Length", 0))
        raw = self.rfile.read(length)
        if self.path.rstrip("/") != "/v1/chat/completions":
            self._send(404, {"error": {"message": f"no route {self.path}", "type": "not_found"}})
            return
        body = json.loads(raw or b"{}")
        behaviour = fake._next(body, {k.lower(): v for k, v in self.headers.items()})
        if isinstance(behaviour, Hang):
            if fake._closing.wait(behaviour.seconds):
                return
            behaviour = behaviour.then
        if isinstance(behaviour, Status):
            error = {"message": behaviour.message, "type": "scripted", "code": behaviour.code}
            self._send(behaviour.code, {"error": error}, behaviour.headers)
            return
        usage = fake._usage(body, behaviour.text)
        n, model = len(fake.requests), body.get("model", "")
        if isinstance(behaviour, Refusal):
            self._send(200, completion_body(n, model, None, usage, refused=behaviour.text))
            return
        self._send(200, completion_body(n, model, behaviour.text, usage))

    def _send(self, code: int, payload: Any, headers: Mapping[str, str] | None = None) -> None:
        data = json.dumps(payload).encode()
        try:
            self.send_response(code)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            for name, value in (headers or {}).items():
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(data)
        except (BrokenPipeError, ConnectionResetError):  # the client gave up (timeout)
            pass
