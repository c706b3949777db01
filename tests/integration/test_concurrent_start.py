"""Several processes starting at once on an empty PostgreSQL database: all come up.

Migrations, the checkpointer's tables and the demo import each run once, under an
advisory lock; the processes that wait for it find the work done. Each round gets a
database of its own, created empty and dropped afterwards.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.integration.conftest import fresh_postgres_database

PROCESSES = 4
ROUNDS = 3

pytestmark = pytest.mark.postgres


@pytest.fixture
def empty_database() -> Iterator[str]:
    """The URL of a new, empty database on DATABASE_URL's server."""
    yield from fresh_postgres_database("start")


def start_workers(url: str, cwd: Path) -> list[tuple[int, str]]:
    """Exit code and stderr of each of `PROCESSES` workers started at once."""
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "ACCESS_AGENT_MODEL": "offline",
        "SLACK_BOT_TOKEN": "xoxb-test",
        "SLACK_API_URL": "http://127.0.0.1:9/api/",
        "SCHEDULER_INTERVAL_SECONDS": "0",
        "LOG_LEVEL": "ERROR",
    }
    env.pop("OPENAI_API_KEY", None)
    args = [sys.executable, "-m", "slack_app.cli", "worker", "--once"]
    logs = [cwd / f"stderr{n}" for n in range(PROCESSES)]
    started = []
    for log in logs:
        with log.open("w") as err:
            started.append(
                subprocess.Popen(args, env=env, cwd=cwd, stdout=subprocess.DEVNULL, stderr=err)
            )
    codes = [process.wait(timeout=600) for process in started]
    return [(code, log.read_text()) for code, log in zip(codes, logs, strict=True)]


@pytest.mark.parametrize("round_", range(ROUNDS))
def test_workers_starting_together_on_an_empty_database_all_start(
    empty_database: str, tmp_path: Path, round_: int
) -> None:
    done = start_workers(empty_database, tmp_path)
    failed = [err[-2000:] for code, err in done if code != 0]
    assert not failed, f"{len(failed)} of {PROCESSES} failed:\n" + "\n---\n".join(failed)
