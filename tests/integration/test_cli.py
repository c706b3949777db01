"""The `access-agent` command as a user runs it: exit codes, messages, no tracebacks."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import yaml

from domain.orgdata.demo import demo_org_text
from domain.store.engine import make_engine
from domain.store.migrate import migrate
from domain.store.uow import SqlUnitOfWork


def cli(tmp_path: Path, *args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'app.db'}",
        "ACCESS_AGENT_MODEL": "offline",
    }
    env.pop("OPENAI_API_KEY", None)
    return subprocess.run(
        [sys.executable, "-m", "slack_app.cli", *args],
        input=stdin,
        text=True,
        capture_output=True,
        env=env,
        cwd=tmp_path,
        timeout=120,
        check=False,
    )


@pytest.fixture
def bad_file(tmp_path: Path) -> Path:
    data = yaml.safe_load(demo_org_text())
    data["people"][3]["manager"] = "nobody@acme.tst"
    data["applications"][0]["fulfillment"] = "carrier-pigeon"
    data["identities"][0]["grants"] = ["github:superuser"]
    path = tmp_path / "bad.yaml"
    path.write_text(yaml.safe_dump(data), encoding="utf-8")
    return path


def test_validate_reports_every_problem_with_its_path(tmp_path: Path, bad_file: Path) -> None:
    done = cli(tmp_path, "org", "validate", str(bad_file))
    assert done.returncode == 1
    assert "applications[0].fulfillment" in done.stderr
    assert "Traceback" not in done.stderr


def test_reference_errors_are_listed_together(tmp_path: Path) -> None:
    data = yaml.safe_load(demo_org_text())
    data["people"][3]["manager"] = "nobody@acme.tst"
    data["identities"][0]["grants"] = ["github:superuser"]
    path = tmp_path / "refs.yaml"
    path.write_text(yaml.safe_dump(data), encoding="utf-8")
    done = cli(tmp_path, "org", "validate", str(path))
    assert done.returncode == 1
    assert 'people[3].manager: unknown person "nobody@acme.tst"' in done.stderr
    assert 'identities[0].grants[0]: unknown entitlement "github:superuser"' in done.stderr


def test_rejected_import_changes_nothing(tmp_path: Path, bad_file: Path) -> None:
    assert cli(tmp_path, "org", "import", "--demo").returncode == 0
    before = cli(tmp_path, "org", "export").stdout
    done = cli(tmp_path, "org", "import", str(bad_file))
    assert done.returncode == 1 and "rejected" in done.stderr
    assert cli(tmp_path, "org", "export").stdout == before


def test_export_then_import_is_lossless(tmp_path: Path) -> None:
    assert cli(tmp_path, "org", "import", "--demo").returncode == 0
    exported = cli(tmp_path, "org", "export", "--json").stdout
    (tmp_path / "again.json").write_text(exported, encoding="utf-8")
    done = cli(tmp_path, "org", "import", str(tmp_path / "again.json"))
    assert done.returncode == 0 and "no changes" in done.stdout
    assert cli(tmp_path, "org", "export", "--json").stdout == exported


def test_missing_file_is_one_clear_line(tmp_path: Path) -> None:
    done = cli(tmp_path, "org", "import", "nope.yaml")
    assert done.returncode == 1 and "cannot read nope.yaml" in done.stderr
    assert "Traceback" not in done.stderr


def test_doctor_on_embedded_defaults(tmp_path: Path) -> None:
    done = cli(tmp_path, "doctor")
    assert done.returncode == 0, done.stdout + done.stderr
    assert "[ok  ] org         Acme Corp" in done.stdout


def test_doctor_shows_dead_letters_and_the_latest_error(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'app.db'}")
    migrate(engine)
    at = datetime(2026, 3, 4, 15, 0, tzinfo=UTC)
    with SqlUnitOfWork(engine) as uow:
        for key in ("slack:event:EvOK", "slack:event:EvBAD"):
            uow.inbox.put(key, "slack.event", "{}", at)
        bad = next(j for j in uow.inbox.claim(at=at, lease=timedelta(seconds=30), limit=2))
        uow.inbox.fail(bad.id, at, "KeyError: 'user'\nmore lines", retry_at=None)
        uow.commit()
    done = cli(tmp_path, "doctor")
    assert done.returncode == 0, done.stdout + done.stderr
    assert (
        "[ok  ] inbox       1 waiting, 1 dead (latest 2026-03-04 15:00 UTC, "
        f"{bad.key}: KeyError: 'user')"
    ) in done.stdout


def test_chat_reads_a_script_from_stdin(tmp_path: Path) -> None:
    done = cli(
        tmp_path,
        "chat",
        "--as",
        "alex.meyer@acme.test",
        stdin="github write for 2 weeks, for the payments migration\n/submit\n",
    )
    assert done.returncode == 0, done.stderr
    assert "alex.meyer> github write for 2 weeks" in done.stdout
    assert "✓ Submitted AR-" in done.stdout and "reason: New project" in done.stdout
