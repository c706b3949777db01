"""JSON log lines carry the ids bound where they were logged, across threads too."""

from __future__ import annotations

import asyncio
import io
import json
import logging
from collections.abc import Iterator

import pytest

from slack_app import logs


@pytest.fixture
def lines() -> Iterator[io.StringIO]:
    out = io.StringIO()
    handler = logging.StreamHandler(out)
    handler.setFormatter(logs.JsonFormatter())
    logger = logging.getLogger("test.logs")
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    yield out
    logger.removeHandler(handler)


def parsed(out: io.StringIO) -> list[dict[str, str]]:
    return [json.loads(line) for line in out.getvalue().splitlines()]


def test_a_line_is_one_json_object_with_the_bound_ids(lines: io.StringIO) -> None:
    log = logging.getLogger("test.logs")
    with logs.bound(event="Ev1", conversation="slack:T:D"), logs.bound(access_request="R9"):
        log.info("turn for %s", "U1")
    log.info("after")
    first, after = parsed(lines)
    assert first["msg"] == "turn for U1"
    assert (first["event"], first["conversation"], first["access_request"]) == (
        "Ev1",
        "slack:T:D",
        "R9",
    )
    assert first["level"] == "INFO" and first["logger"] == "test.logs"
    assert "event" not in after


def test_ids_follow_into_threads_and_tasks(lines: io.StringIO) -> None:
    log = logging.getLogger("test.logs")

    async def main() -> None:
        with logs.bound(http_request="h1"):
            await asyncio.to_thread(log.info, "in to_thread")
            loop = asyncio.get_running_loop()
            await loop.run_in_executor(None, logs.in_context(lambda: log.info("in executor")))

    asyncio.run(main())
    assert [line["http_request"] for line in parsed(lines)] == ["h1", "h1"]


def test_an_exception_is_kept_inside_the_line(lines: io.StringIO) -> None:
    log = logging.getLogger("test.logs")
    try:
        raise ValueError("boom")
    except ValueError:
        log.exception("failed")
    [line] = parsed(lines)
    assert "ValueError: boom" in line["exc"]
