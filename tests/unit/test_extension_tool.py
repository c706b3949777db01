"""build_extension: the extension card (docs/specs/conversation.md §4)."""

from __future__ import annotations

from domain.model.directory import Directory
from domain.orgdata.orgfile import parse_org
from tests.after_submit_org import TEMPORARY, directory
from tests.orgs import NOW, SMALL_ORG
from tools.base import ToolContext
from tools.extension import ExtensionInput, build_extension
from tools.proposal_models import Proposal

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


def _extend_aws(words: str) -> Proposal:
    return build_extension(CTX, ExtensionInput(entitlements=["aws"], duration=words))


def test_by_a_period_counts_from_the_current_end() -> None:
    p = _extend_aws("by a week")  # held until the end of Tue 10 Mar: a week more
    assert p.status == "ready" and p.duration is not None
    assert p.duration.end == "2026-03-17T23:00:00Z" and not p.duration.capped
    assert (
        "Extends AWS Production · Read-only from end of Tue 10 Mar 2026 to end of "
        in (p.warnings[0])
    )
    assert "Tue 17 Mar 2026" in p.warnings[0]


def test_by_a_period_shorter_than_what_is_left_still_extends() -> None:
    p = _extend_aws("by 2 days")  # "for 2 days" from now would end before the current end
    assert p.status == "ready" and p.duration is not None
    assert p.duration.end == "2026-03-12T23:00:00Z"


def test_by_a_period_is_still_capped_from_now() -> None:
    p = _extend_aws("by 2 weeks")  # 24 Mar asked; AWS Production: at most 14 days from now
    assert p.status == "ready" and p.duration is not None and p.duration.capped
    assert p.duration.end == "2026-03-18T15:00:00Z"
    assert any(
        w.startswith("AWS Production allows at most 2 weeks, so it can't last until Tue 24 Mar")
        for w in p.warnings
    )


def test_until_a_date_is_absolute() -> None:
    p = _extend_aws("until the 12th")
    assert p.duration is not None and p.duration.end == "2026-03-12T23:00:00Z"
    by_day = _extend_aws("by Friday")  # a day, not a period: until Friday, before 10 Mar
    assert by_day.problems and by_day.problems[0].code == "not_later"


def test_by_a_period_keeps_the_time_of_a_mid_day_end() -> None:
    noon = TEMPORARY.replace("2026-03-10T23:00:00Z", "2026-03-10T11:30:00Z")
    ctx = ToolContext(
        directory=Directory(parse_org(SMALL_ORG.rstrip() + noon)),
        requester_id="alex@t.test",
        now=NOW,
    )
    p = build_extension(ctx, ExtensionInput(entitlements=["aws"], duration="extend it by 3 days"))
    assert p.duration is not None and p.duration.end == "2026-03-13T11:30:00Z"
