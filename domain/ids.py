"""The one way ids are compared: every module that looks an id up goes through `key`."""

from __future__ import annotations


def key(value: str) -> str:
    """Ids are case-insensitive for lookup."""
    return value.strip().casefold()
