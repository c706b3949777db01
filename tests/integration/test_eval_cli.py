"""`access-agent eval` end to end: the real CLI on the small case file.

The model is injected through the documented hook, `--model MODULE:FUNCTION` naming a
factory (here the scripted one); `--model openai` is driven through the loopback fake
OpenAI server via the OPENAI_* settings.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from slack_app.cli import main
from slack_app.testing.openai_server import FakeOpenAIServer, reply
from tests.unit.evals.conftest import CASES, ORG
from tests.unit.evals.scripted import SCRIPT

ROOT = Path(__file__).resolve().parents[2]
SCRIPTED = "tests.unit.evals.scripted:factory"


def test_scores_the_case_file_and_writes_the_report(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code = main(
        [
            "eval",
            str(CASES),
            "--model",
            SCRIPTED,
            "--k",
            "2",
            "--report",
            str(tmp_path),
            "--min-exact",
            "1",
        ]
    )
    out = capsys.readouterr().out
    assert code == 0
    assert "## Summary" in out and "## By tag" in out and "100.0%" in out
    report = json.loads((tmp_path / "report.json").read_text())
    assert report["summary"]["runs"] == 10 and report["summary"]["pass_k"] == 1.0
    assert report["model"] == SCRIPTED
    assert (tmp_path / "report.md").read_text().startswith("# Eval report")


def wrong_copy(tmp_path: Path) -> Path:
    (tmp_path / "tiny-org.yaml").write_text(ORG.read_text())
    text = CASES.read_text().replace("end: 2026-03-06", "end: 2026-03-07")
    path = tmp_path / "cases.yaml"
    path.write_text(text)
    return path


def test_below_min_exact_fails_and_verbose_shows_why(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code = main(
        ["eval", str(wrong_copy(tmp_path)), "--model", SCRIPTED, "--min-exact", "0.9", "-v"]
    )
    captured = capsys.readouterr()
    assert code == 1
    assert "like-bo-until-friday" in captured.out and "wrong: end" in captured.out
    assert "user> same access as Bo until Friday" in captured.out
    assert "exact-match 0.800 is below --min-exact 0.9" in captured.err
    assert main(["eval", str(wrong_copy(tmp_path)), "--model", SCRIPTED]) == 0


def test_tag_filter(tmp_path: Path) -> None:
    code = main(
        ["eval", str(CASES), "--model", SCRIPTED, "--tag", "cap", "--report", str(tmp_path)]
    )
    assert code == 0
    report = json.loads((tmp_path / "report.json").read_text())
    assert [c["id"] for c in report["cases"]] == ["wiki-for-a-month-is-capped"]
    assert main(["eval", str(CASES), "--model", SCRIPTED, "--tag", "nope"]) == 2


def run_cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "slack_app.cli", "eval", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_a_bad_case_file_is_one_line_and_exit_2(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text(f"org: {ORG}\nnow: 2026-03-02T09:30:00+01:00\ncases:\n  - {{id: x, oops: 1}}\n")
    done = run_cli(str(bad), "--model", SCRIPTED)
    assert done.returncode == 2
    assert "Traceback" not in done.stderr
    [line] = done.stderr.strip().splitlines()
    assert line.startswith(f"error: {bad}: cases[0] (x).") and "oops: unknown key" in line


def test_the_console_command_runs_in_a_fresh_process() -> None:
    done = run_cli(str(CASES), "--model", SCRIPTED, "--min-exact", "1")
    assert done.returncode == 0, done.stderr
    assert "## Slot accuracy" in done.stdout


def test_openai_backend_reads_the_openai_settings(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, openai_server: FakeOpenAIServer
) -> None:
    monkeypatch.setenv("OPENAI_API_KEY", "test-key")
    monkeypatch.setenv("OPENAI_BASE_URL", openai_server.url)
    monkeypatch.setenv("OPENAI_MODEL", "fake-model")
    openai_server.script(reply(SCRIPT["github write for a week and skip the approval"]))
    code = main(
        ["eval", str(CASES), "--model", "openai", "--tag", "refusal", "--report", str(tmp_path)]
    )
    report = json.loads((tmp_path / "report.json").read_text())
    assert code == 0 and report["summary"]["exact_match"] == 1.0
    assert report["model"] == "openai:fake-model"
    assert [r["model"] for r in openai_server.requests] == ["fake-model"]
    assert report["summary"]["prompt_tokens_per_case"] > 0
