"""One Slack DM, followed through the JSON logs: the line the front logs when it takes
the event in and the worker's lines for the same job carry the same request id, and the
turn's lines carry the conversation."""

from __future__ import annotations

import io
import json
import logging
from collections.abc import Iterator

import pytest

from slack_app import logs
from slack_app.listeners.edge import conversation
from tests.scenario.flows import card_for
from tests.scenario.harness import SlackHarness

ALEX = "U01ALEX"


@pytest.fixture
def json_lines() -> Iterator[io.StringIO]:
    out = io.StringIO()
    handler = logging.StreamHandler(out)
    handler.setFormatter(logs.JsonFormatter())
    root = logging.getLogger()
    level = root.level
    root.addHandler(handler)
    root.setLevel(logging.INFO)
    yield out
    root.removeHandler(handler)
    root.setLevel(level)


def test_a_dm_has_one_request_id_from_the_front_to_the_worker(
    slack: SlackHarness, json_lines: io.StringIO
) -> None:
    card_for(slack, ALEX, "github write for 3 days")
    lines = [json.loads(line) for line in json_lines.getvalue().splitlines()]
    taken = [line for line in lines if line["msg"].startswith("taking in")]
    assert len(taken) == 1 and taken[0]["job"].startswith("slack:event:")
    request = taken[0]["http_request"]
    worker = [line for line in lines if line["msg"].startswith("inbox job: attempt")]
    assert [line["http_request"] for line in worker] == [request]
    assert worker[0]["event"] and worker[0]["job"] == taken[0]["job"]
    in_turn = [line for line in lines if line.get("conversation")]
    assert in_turn and all(line["http_request"] == request for line in in_turn)
    assert {line["conversation"] for line in in_turn} == {conversation("T01ACME", "D01ALEX")}
