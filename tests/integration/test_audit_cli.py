"""`access-agent audit verify|export` as an auditor runs them."""

from __future__ import annotations

import csv
import io
import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import text

from domain.model.requests import AuditEvent
from domain.store.engine import make_engine
from domain.store.migrate import migrate
from domain.store.uow import SqlUnitOfWork
from tests.integration.test_cli import cli

T0 = datetime(2026, 3, 4, 15, 0, tzinfo=UTC)


def seed(tmp_path: Path) -> None:
    """Three events: AR-1 submitted and approved (a day apart), AR-2 submitted."""
    engine = make_engine(f"sqlite:///{tmp_path / 'app.db'}")
    migrate(engine)
    rows = [
        ("AR-1", "request.submitted", T0, {"items": ["github:write"]}),
        ("AR-2", "request.submitted", T0, {"comment": 'für, "quoted"'}),
        ("AR-1", "step.approved", T0 + timedelta(days=1), {"step": 0}),
    ]
    for request_id, action, at, data in rows:
        uow = SqlUnitOfWork(engine)
        with uow:
            uow.audit.append(
                AuditEvent(at=at, actor="dana", action=action, request_id=request_id, data=data)
            )
            uow.commit()
    engine.dispose()


def test_verify_says_ok_and_prints_the_head(tmp_path: Path) -> None:
    seed(tmp_path)
    done = cli(tmp_path, "audit", "verify")
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("ok: 3 rows; head seq 3 hash ")


def test_verify_names_the_first_bad_row_and_fails(tmp_path: Path) -> None:
    seed(tmp_path)
    engine = make_engine(f"sqlite:///{tmp_path / 'app.db'}")
    with engine.begin() as conn:
        conn.execute(text("DROP TRIGGER audit_events_no_update"))
        conn.execute(text("UPDATE audit_events SET actor = 'mallory' WHERE seq = 2"))
    engine.dispose()
    done = cli(tmp_path, "audit", "verify")
    assert done.returncode == 1
    assert "broken at row id 2 (seq 2): content does not match its hash: edited" in done.stderr
    assert "Traceback" not in done.stderr


def test_export_one_requests_trail_as_json(tmp_path: Path) -> None:
    seed(tmp_path)
    done = cli(tmp_path, "audit", "export", "--request", "AR-1")
    assert done.returncode == 0, done.stderr
    trail = json.loads(done.stdout)
    assert [(e["seq"], e["action"]) for e in trail] == [
        (1, "request.submitted"),
        (3, "step.approved"),
    ]
    assert trail[0]["data"] == {"items": ["github:write"]}
    assert trail[0]["at"] == "2026-03-04T15:00:00+00:00"
    assert len(trail[1]["hash"]) == 64 and trail[1]["prev_hash"] != trail[0]["hash"]


def test_export_csv_since_a_date(tmp_path: Path) -> None:
    seed(tmp_path)
    done = cli(tmp_path, "audit", "export", "--format", "csv", "--since", "2026-03-05")
    assert done.returncode == 0, done.stderr
    rows = list(csv.DictReader(io.StringIO(done.stdout)))
    assert [(r["seq"], r["request_id"], r["action"]) for r in rows] == [
        ("3", "AR-1", "step.approved")
    ]
    everything = cli(tmp_path, "audit", "export", "--format", "csv", "-o", "out.csv")
    written = list(csv.DictReader((tmp_path / "out.csv").open(encoding="utf-8")))
    assert everything.returncode == 0 and len(written) == 3
    assert json.loads(written[1]["data"]) == {"comment": 'für, "quoted"'}


def test_export_refuses_a_bad_date(tmp_path: Path) -> None:
    done = cli(tmp_path, "audit", "export", "--since", "last tuesday")
    assert done.returncode == 2 and "not a date" in done.stderr
