"""`access-agent doctor` tells how big the checkpoint store is."""

from __future__ import annotations

import re
from pathlib import Path

from tests.integration.test_cli import cli


def test_doctor_reports_the_checkpoint_store(tmp_path: Path) -> None:
    chat = cli(tmp_path, "chat", "--as", "alex.meyer@acme.test", stdin="github write for 2 weeks\n")
    assert chat.returncode == 0, chat.stderr
    done = cli(tmp_path, "doctor")
    assert done.returncode == 0, done.stdout + done.stderr
    line = re.search(r"^\[ok  \] checkpoints (.*)$", done.stdout, re.MULTILINE)
    assert line is not None, done.stdout
    size = re.match(r"([\d,]+) bytes \([\d.]+ MB\), 1 conversations", line.group(1))
    assert size is not None and int(size.group(1).replace(",", "")) > 0, line.group(1)
