"""Changes typed on an open card, read by the offline model (spec §2): every one is an
explicit operation on that card, never a new request of another kind."""

from __future__ import annotations

import pytest

from tests.unit.agent.reading_helpers import changes, on_card, read


@pytest.mark.parametrize(
    ("said", "expected"),
    [
        ("also Datadog standard", [("add", "datadog standard")]),
        ("add jira too", [("add", "jira")]),
        ("and pagerduty responder too", [("add", "pagerduty responder")]),
        ("plus looker explorer please", [("add", "looker explorer")]),
        ("throw in confluence editor as well", [("add", "confluence editor")]),
        ("without snowflake and 1password", [("remove", "snowflake", "1password")]),
        ("drop snowflake", [("remove", "snowflake")]),
        ("remove datadog", [("remove", "datadog")]),
        ("not the 1Password ones", [("remove", "1password")]),
        ("all except snowflake", [("remove", "snowflake")]),
        ("everything but vpn and looker", [("remove", "vpn", "looker")]),
        ("I don't need jira", [("remove", "jira")]),
        ("I don't want the snowflake stuff", [("remove", "snowflake")]),
        ("take the snowflake and looker ones off please", [("remove", "snowflake", "looker")]),
        ("snowflake isn't needed", [("remove", "snowflake")]),
        ("get rid of the confluence one", [("remove", "confluence")]),
        ("drop snowflake, 1password and looker", [("remove", "snowflake", "1password", "looker")]),
        ("untick 2", [("remove", "2")]),
        ("remove the second one", [("remove", "2")]),
        ("just github", [("only", "github")]),
        ("only 1 and 3", [("only", "1", "3")]),
        ("keep only jira and confluence", [("only", "jira", "confluence")]),
        ("no, just github write", [("only", "github write")]),
        ("I only need github and jira", [("only", "github", "jira")]),
        ("leave out the vpn", [("remove", "vpn")]),
        (
            "swap datadog standard for datadog admin",
            [
                ("remove", "datadog standard"),
                ("add", "datadog admin"),
            ],
        ),
        ("drop snowflake and add datadog", [("remove", "snowflake"), ("add", "datadog")]),
    ],
)
def test_items_on_the_card_are_added_removed_or_kept(
    said: str, expected: list[tuple[str, ...]]
) -> None:
    ask = on_card(said)
    assert ask.action == "edit"
    assert changes(ask) == expected
    assert ask.kind is None and ask.entitlements == []  # never a revoke, never a new list


@pytest.mark.parametrize(
    "said", ["drop snowflake", "remove datadog", "remove my Snowflake access", "take jira off"]
)
def test_removing_with_a_card_open_is_never_a_revoke(said: str) -> None:
    ask = on_card(said)
    assert (ask.action, ask.kind) == ("edit", None)
    assert [c[0] for c in changes(ask)] == ["remove"]


@pytest.mark.parametrize(
    ("said", "duration"),
    [
        ("make it 3 days", "3 days"),
        ("make it end on 20 December", "until 20 December"),
        ("have it expire on the 20th", "until the 20th"),
        ("until the 20th", "until the 20th"),
        ("till friday instead", "till friday"),
        ("permanent instead", "permanent"),
        ("make it permanent", "permanent"),
        ("actually 2 weeks", "2 weeks"),
        ("change the end date to 20 December", "until 20 December"),
        ("set it to expire next friday", "until next friday"),
    ],
)
def test_the_end_changes(said: str, duration: str) -> None:
    ask = on_card(said)
    assert ask.action == "edit"
    assert changes(ask) == [("set_end", duration.casefold())]
    assert ask.duration == duration


@pytest.mark.parametrize(
    ("said", "expected"),
    [
        ("use the admin account", ("set_account", "admin")),
        ("the admin one", ("set_account", "admin")),
        ("use my personal account", ("set_account", "personal")),
        ("on mokafor", ("set_account", "mokafor")),
        ("use mokafor, not the admin account", ("set_account", "mokafor")),
        ("not the admin account, use mokafor", ("set_account", "mokafor")),
        ("use omar-h-admin", ("set_account", "omar-h-admin")),
        ("use my admin account for github", ("set_account", "admin", "github")),
        ("use the reporting login", ("set_account", "reporting")),
        ("switch to my personal account", ("set_account", "personal")),
    ],
)
def test_the_account_changes(said: str, expected: tuple[str, ...]) -> None:
    ask = on_card(said)
    assert ask.action == "edit"
    assert changes(ask) == [expected]
    assert ask.beneficiary is None and ask.access_like is None  # "mokafor" is nobody's access


@pytest.mark.parametrize(
    ("said", "justification"),
    [
        ("reason: incident 4411", "incident 4411"),
        ("it's for the audit", "for the audit"),
        ("because I'm covering on-call for Kevin", "because I'm covering on-call for Kevin"),
        ("justification is the Q3 board deck", "the Q3 board deck"),
    ],
)
def test_the_justification_changes_as_typed(said: str, justification: str) -> None:
    ask = on_card(said)
    assert ask.action == "edit"
    assert changes(ask) == [("set_justification", justification.casefold())]
    assert ask.beneficiary is None  # Kevin is who is covered for, not who gets access


def test_a_matching_org_reason_comes_with_the_justification() -> None:
    ask = on_card("it's for the audit")
    assert ask.reason == "Audit / compliance"


def test_adding_pagerduty_does_not_change_the_reason() -> None:
    ask = on_card("and pagerduty responder too")
    assert ask.reason is None and ask.justification is None


@pytest.mark.parametrize(
    ("said", "person"),
    [
        ("for Wei instead", "wei"),
        ("for Priya Shah instead", "priya shah"),
        ("actually it's for Ben Carter", "ben carter"),
        ("make it for Kai", "kai"),
        ("change the person to Lena Wagner", "lena wagner"),
        ("give it to <@U01JOSE> instead", "<@u01jose>"),
    ],
)
def test_a_new_beneficiary_starts_a_new_card(said: str, person: str) -> None:
    ask = on_card(said)
    assert ask.action == "edit"
    assert changes(ask) == [("new_beneficiary", person)]


def test_several_changes_in_one_message_each_become_an_operation() -> None:
    ask = on_card("drop snowflake, make it 3 days and use the admin account")
    assert changes(ask) == [
        ("set_account", "admin"),
        ("set_end", "3 days"),
        ("remove", "snowflake"),
    ]


def test_a_message_that_changes_nothing_it_can_read_is_an_edit_with_no_changes() -> None:
    ask = on_card("hmm, the purple one maybe?")
    assert ask.action == "edit" and ask.changes == []


@pytest.mark.parametrize(
    "said", ["cancel", "/cancel", "never mind", "Cancel.", "ok cancel that", "no, cancel"]
)
@pytest.mark.parametrize("stage", ["proposal", "clarify", "new"])
def test_cancel_closes_a_card_or_a_question(said: str, stage: str) -> None:
    slots = ("entitlements",) if stage == "clarify" else ()
    assert read(said, stage, slots).action == "cancel"


@pytest.mark.parametrize("said", ["yes", "looks good", "submit it"])
def test_confirming_the_card(said: str) -> None:
    assert on_card(said).action == "confirm"


def test_a_whole_new_ask_while_a_card_is_open_is_a_new_request() -> None:
    ask = on_card("I need github write for a week")
    assert ask.action == "request" and ask.changes == []


@pytest.mark.parametrize("said", ["hmm what about the weather", "tell me a joke"])
def test_an_off_topic_message_with_a_card_open_changes_nothing(said: str) -> None:
    """Spec §2: what it cannot read as a change leaves the card as it was (no refusal)."""
    ask = on_card(said)
    assert ask.action == "edit" and ask.refusal is None
    assert changes(ask) == []
