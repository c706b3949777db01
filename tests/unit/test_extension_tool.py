"""build_extension: the extension card (docs/specs/conversation.md §4)."""

from __future__ import annotations

from tests.after_submit_org import directory
from tests.orgs import NOW
from tools.base import ToolContext
from tools.extension import ExtensionInput, build_extension

CTX = ToolContext(directory=directory(), requester_id="alex@t.test", now=NOW)


def test_extends_the_held_grant_with_a_new_end_and_says_from_to() -> None:
    p = build_extension(CTX, ExtensionInput(entitlements=["aws"], duration="for 10 days"))
    assert p.status == "ready" and p.kind == "extend"
    (item,) = p.items
    assert item.entitlement_id == "aws-prod:read-only" and item.identity_id == "aws-prod:alex"
    assert any(
        w.startswith("Extends AWS Production · Read-only from end of Tue 10 Mar 2026 to")
        for w in p.warnings
    )
    assert p.routes and p.duration is not None and p.duration.end


def test_no_duration_asks_until_when() -> None:
    p = build_extension(CTX, ExtensionInput(entitlements=["aws"], duration=None))
    assert p.status == "needs_input" and p.problems[0].slot == "duration"


def test_caps_count_from_now() -> None:
    p = build_extension(CTX, ExtensionInput(entitlements=["aws"], duration="for 2 months"))
    assert p.duration is not None and p.duration.capped  # AWS Production: 14 days from now


def test_permanent_or_unheld_access_is_not_extendable() -> None:
    for words in (["github"], ["hooks"]):
        p = build_extension(CTX, ExtensionInput(entitlements=words, duration="for a week"))
        assert p.status == "refused" and p.refusal is not None
        assert p.refusal.code == "nothing_to_extend"


def test_an_end_before_the_current_one_is_asked_again() -> None:
    p = build_extension(CTX, ExtensionInput(entitlements=["aws"], duration="for 2 days"))
    assert p.problems and p.problems[0].code == "not_later"
