"""Paths to the eval runner's own small case file and org."""

from __future__ import annotations

from pathlib import Path

DATA = Path(__file__).parent / "data"
CASES = DATA / "tiny-cases.yaml"
ORG = DATA / "tiny-org.yaml"
