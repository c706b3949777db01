"""Golden JSON for every builder on fixed sample data (UPDATE_SNAPSHOTS=1 rewrites them)."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest

from tests.orgs import small_directory
from tests.unit.blocks.payloads import build_all

SNAPSHOTS = Path(__file__).parent / "snapshots"
PAYLOADS = build_all(small_directory())


def dumped(payload: dict[str, Any]) -> str:
    return json.dumps(payload, indent=2, ensure_ascii=False, sort_keys=True) + "\n"


@pytest.mark.parametrize("name", sorted(PAYLOADS))
def test_matches_snapshot(name: str) -> None:
    path = SNAPSHOTS / f"{name}.json"
    current = dumped(PAYLOADS[name])
    if os.environ.get("UPDATE_SNAPSHOTS") == "1":
        SNAPSHOTS.mkdir(exist_ok=True)
        path.write_text(current, encoding="utf-8")
    assert path.exists(), f"no snapshot for {name}: run with UPDATE_SNAPSHOTS=1"
    assert path.read_text(encoding="utf-8") == current, (
        f"{name} changed: review the diff, then rerun with UPDATE_SNAPSHOTS=1"
    )


def test_no_stale_snapshots() -> None:
    assert {p.stem for p in SNAPSHOTS.glob("*.json")} == set(PAYLOADS)


def test_builders_are_pure() -> None:
    assert build_all(small_directory()) == PAYLOADS
