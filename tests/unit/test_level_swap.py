"""A level named without its app on an open card ("I meant read-only", "write, not
read") replaces the item of the one app on the card that has that level."""

from __future__ import annotations

import pytest

from tests.unit.agent.reading_helpers import changes, on_card
from tests.unit.test_changes import add, card, change, ids


def test_a_bare_level_replaces_the_item_of_the_one_app_that_has_it() -> None:
    p = card(entitlements=["datadog standard"], duration="for 2 weeks")
    result = change(p, add("read-only"))
    assert ids(result.proposal) == ["datadog:read-only"]
    assert result.said.startswith("Replaced Datadog · Standard with Datadog · Read-only.")
    assert result.proposal.status == "ready"
    assert result.proposal.duration == p.duration  # the end was not mentioned


def test_the_other_apps_items_stay() -> None:
    p = card(entitlements=["datadog standard", "jira user"], duration="for 2 weeks")
    before = [i for i in ids(p) if not i.startswith("datadog:")]
    result = change(p, add("read-only"))
    assert "datadog:read-only" in ids(result.proposal)
    assert "datadog:standard" not in ids(result.proposal)
    assert all(i in ids(result.proposal) for i in before)


def test_a_level_with_its_app_still_adds() -> None:
    p = card(entitlements=["datadog standard"], duration="for 2 weeks")
    result = change(p, add("datadog read-only"))
    assert sorted(ids(result.proposal)) == ["datadog:read-only", "datadog:standard"]


def test_a_level_no_app_on_the_card_has_leaves_the_card() -> None:
    p = card(entitlements=["github write"], duration="for 2 weeks")
    result = change(p, add("read-only"))  # Datadog's, AWS's, ...: none on the card
    assert ids(result.proposal) == ["github:write"]
    assert result.not_understood


@pytest.mark.parametrize(
    "said",
    [
        "ignore that, I meant read-only",
        "actually make it read-only",
        "read-only, not standard",
        "sorry, read-only instead",
        "no wait, I meant read-only not standard",
    ],
)
def test_the_offline_reading_of_a_level_swap_is_applied(said: str) -> None:
    ask = on_card(said)
    assert ask.action == "edit"
    assert changes(ask) == [("add", "read-only")]
    p = card(entitlements=["datadog standard"], duration="for 2 weeks")
    assert ids(change(p, *ask.changes).proposal) == ["datadog:read-only"]


@pytest.mark.parametrize(
    "said", ["maintain, not write", "actually maintain", "I meant maintain", "make it maintain"]
)
def test_maintain_not_write_on_a_github_card(said: str) -> None:
    ask = on_card(said)
    assert changes(ask) == [("add", "maintain")]
    p = card(entitlements=["github write"], duration="for 2 weeks")
    assert ids(change(p, *ask.changes).proposal) == ["github:maintain"]


@pytest.mark.parametrize(
    ("said", "expected"),
    [
        ("write, not read", [("add", "write")]),
        ("not the admin account, use mokafor", [("set_account", "mokafor")]),
        ("read-only please", []),  # no word says it replaces anything
    ],
)
def test_only_a_lone_level_with_a_swap_cue_is_read_as_a_swap(
    said: str, expected: list[tuple[str, ...]]
) -> None:
    assert changes(on_card(said)) == expected
