"""Logs as one JSON object per line, carrying the ids that tie a line to its cause.

Operators grep and index JSON: each line has `ts`, `level`, `logger`, `msg` and
whichever ids are bound where it was logged — `http_request` (one per HTTP request to
`serve`; for an event or click taken into the inbox it is derived from the job's key, so
the worker that does the job logs the same id), `event`
(Slack's event_id), `conversation` (the agent thread), `access_request`, `job`.

    with bound(event=event_id, conversation=thread):
        log.info("turn done")        # {"msg": "turn done", "event": "Ev…", ...}

Ids live in a context variable, so they follow the code into asyncio tasks and
`asyncio.to_thread`; `in_context` carries them into other executors. `LOG_FORMAT=text`
gives the same fields as `key=value` pairs for a terminal.
"""

from __future__ import annotations

import contextvars
import hashlib
import json
import logging
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Literal, TypeVar

T = TypeVar("T")
_IDS: contextvars.ContextVar[tuple[tuple[str, str], ...]] = contextvars.ContextVar(
    "log_ids", default=()
)


@contextmanager
def bound(**ids: str | None) -> Iterator[None]:
    """Add ids (None or empty ones are left out) to every line logged inside."""
    merged = {**dict(_IDS.get()), **{k: str(v) for k, v in ids.items() if v}}
    token = _IDS.set(tuple(merged.items()))
    try:
        yield
    finally:
        _IDS.reset(token)


def request_id(job_key: str | None = None) -> str:
    """The id of one request to `serve`. For work taken into the inbox it is derived from
    the job's key, so the worker that does the job (another process, maybe after a
    restart) logs the same id without storing anything more; otherwise it is random."""
    if job_key is None:
        return uuid.uuid4().hex[:16]
    return hashlib.sha256(job_key.encode()).hexdigest()[:16]


def current() -> dict[str, str]:
    """The ids bound here (to store with work done elsewhere, e.g. an inbox job)."""
    return dict(_IDS.get())


def in_context(fn: Callable[[], T]) -> Callable[[], T]:
    """`fn` to run in another thread with the ids bound here (run_in_executor does not
    copy the context by itself)."""
    context = contextvars.copy_context()
    return lambda: context.run(fn)


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        line = {
            "ts": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "msg": record.getMessage(),
            **dict(_IDS.get()),
        }
        if record.exc_info:
            line["exc"] = self.formatException(record.exc_info)
        return json.dumps(line, ensure_ascii=False, default=str)


class TextFormatter(logging.Formatter):
    def __init__(self) -> None:
        super().__init__("%(asctime)s %(levelname)s %(name)s: %(message)s")

    def format(self, record: logging.LogRecord) -> str:
        ids = " ".join(f"{k}={v}" for k, v in _IDS.get())
        text = super().format(record)
        return f"{text} [{ids}]" if ids else text


def configure(*, level: str | int, fmt: Literal["json", "text"]) -> None:
    """One handler on the root logger, to stderr; libraries' loggers propagate to it."""
    handler = logging.StreamHandler()
    handler.setFormatter(JsonFormatter() if fmt == "json" else TextFormatter())
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
