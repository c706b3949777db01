"""Scoring, table-driven: only listed slots count; ids ignore case; sets, dates, subsets."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from agent.runner import Reply
from agent.state import Outcome
from evals.expect import Expect
from evals.got import got_from
from evals.score import score

GOT: dict[str, Any] = {
    "outcome": "proposal",
    "kind": "grant",
    "beneficiary": "alex.meyer@acme.test",
    "access_like": {"kind": "person", "ref": "priya.raman@acme.test"},
    "entitlements": ["github:write", "aws-dev:power-user"],
    "identities": {"github:write": "github:alex-m", "aws-dev:power-user": "new"},
    "end": "2026-03-06",
    "capped": False,
    "reason": "New project",
}


def expect(**data: Any) -> Expect:
    return Expect.model_validate(data)


def proposal(**slots: Any) -> Expect:
    return expect(outcome="proposal", proposal=slots)


SLOT_CASES = [
    ({"kind": "grant"}, True),
    ({"kind": "revoke"}, False),
    ({"beneficiary": "Alex.Meyer@ACME.test"}, True),
    ({"beneficiary": "priya.raman@acme.test"}, False),
    ({"access_like": {"kind": "person", "ref": "PRIYA.RAMAN@acme.test"}}, True),
    ({"access_like": {"kind": "person"}}, True),  # ref not listed: not checked
    ({"access_like": {"kind": "role"}}, False),
    ({"access_like": {"kind": "person", "ref": "priya.shah@acme.test"}}, False),
    ({"entitlements": ["AWS-dev:power-user", "github:write"]}, True),  # a set
    ({"entitlements": ["github:write"]}, False),  # missing one
    ({"identities": {"GitHub:Write": "github:ALEX-M"}}, True),  # listed entitlements only
    ({"identities": {"aws-dev:power-user": "new"}}, True),
    ({"identities": {"github:write": "new"}}, False),
    ({"end": date(2026, 3, 6)}, True),  # YAML's date object
    ({"end": "2026-03-06"}, True),
    ({"end": "2026-03-07"}, False),
    ({"end": "permanent"}, False),
    ({"capped": False}, True),
    ({"capped": True}, False),
    ({"reason": "new project"}, True),
    ({"reason": None}, False),  # listed as null: expects no reason
]


@pytest.mark.parametrize(("slots", "ok"), SLOT_CASES)
def test_proposal_slots(slots: dict[str, Any], ok: bool) -> None:
    result = score(proposal(**slots), GOT)
    assert result.outcome_ok
    assert result.slots == {next(iter(slots)): ok}
    assert result.exact is ok


def test_only_listed_slots_are_checked() -> None:
    result = score(proposal(entitlements=["github:write", "aws-dev:power-user"]), GOT)
    assert list(result.slots) == ["entitlements"] and result.exact


def test_permanent_matches_permanent() -> None:
    assert score(proposal(end="Permanent"), {**GOT, "end": "permanent"}).exact


def test_custom_access_like_has_no_ref() -> None:
    got = {**GOT, "access_like": {"kind": "custom"}}
    assert score(proposal(access_like={"kind": "custom"}), got).exact


def test_a_wrong_outcome_fails_every_listed_slot() -> None:
    result = score(proposal(kind="grant", end="permanent"), {"outcome": "clarify"})
    assert not result.outcome_ok
    assert result.slots == {"kind": False, "end": False}


CLARIFY_CASES = [
    (["duration"], ["duration"], True),
    (["duration"], ["entitlements", "duration"], True),  # at least these
    (["duration", "identity"], ["duration"], False),
    ([], ["duration"], True),
]


@pytest.mark.parametrize(("wanted", "asked", "ok"), CLARIFY_CASES)
def test_clarify_is_a_subset(wanted: list[str], asked: list[str], ok: bool) -> None:
    result = score(
        expect(outcome="clarify", clarify=wanted), {"outcome": "clarify", "clarify": asked}
    )
    assert result.exact is ok


def test_clarify_without_slots_checks_only_the_outcome() -> None:
    result = score(expect(outcome="clarify"), {"outcome": "clarify", "clarify": []})
    assert result.slots == {} and result.exact


REFUSE_CASES = [
    ("skip_approval", "skip_approval", True),
    ("skip_approval", "SKIP_APPROVAL", True),
    ("skip_approval", "self_approval", False),
    ("skip_approval", None, False),
    (None, "reference_terminated", True),  # no code named: any refusal passes
    (None, None, True),
]


@pytest.mark.parametrize(("wanted", "code", "ok"), REFUSE_CASES)
def test_refuse_code(wanted: str | None, code: str | None, ok: bool) -> None:
    data: dict[str, Any] = {"outcome": "refuse"} | ({"refuse": wanted} if wanted else {})
    assert score(expect(**data), {"outcome": "refuse", "refuse": code}).exact is ok


@pytest.mark.parametrize("kind", ["message", "cancelled", "confirmed", "error"])
def test_other_outcomes_never_match(kind: str) -> None:
    for outcome in ("proposal", "clarify", "refuse"):
        assert not score(expect(outcome=outcome), {"outcome": kind}).outcome_ok


def test_got_from_replies() -> None:
    clarify = Reply(
        kind=Outcome.CLARIFY, text="?", problems=[{"slot": "duration"}, {"slot": "identity"}]
    )
    assert got_from(clarify) == {
        "outcome": "clarify",
        "clarify": ["duration", "identity"],
        "text": "?",
    }
    refused = Reply(kind=Outcome.REFUSED, text="no", refusal_code="skip_approval")
    assert got_from(refused) == {"outcome": "refuse", "refuse": "skip_approval", "text": "no"}
    assert got_from(Reply(kind=Outcome.MESSAGE, text="hi")) == {"outcome": "message", "text": "hi"}
    answered = Reply(kind=Outcome.ANSWERED, text="You have GitHub · Read.")
    assert got_from(answered) == {"outcome": "answered", "text": "You have GitHub · Read."}


ENDS_GOT: dict[str, Any] = {
    **GOT,
    "ends": {"github:write": "2026-03-06", "aws-dev:power-user": "permanent"},
    "justification": "For the Payments migration",
    "text": "Removed Snowflake · Analyst. Here is the card.",
}


@pytest.mark.parametrize(
    ("slots", "ok"),
    [
        ({"ends": {"GitHub:Write": date(2026, 3, 6)}}, True),  # listed items only
        ({"ends": {"aws-dev:power-user": "Permanent"}}, True),
        ({"ends": {"github:write": "permanent"}}, False),
        ({"ends": {"datadog:standard": "2026-03-06"}}, False),  # not on the card
        ({"justification_contains": "payments MIGRATION"}, True),
        ({"justification_contains": "incident 4411"}, False),
        ({"kind": "extend"}, False),
    ],
)
def test_issue_10_proposal_slots(slots: dict[str, Any], ok: bool) -> None:
    assert score(proposal(**slots), ENDS_GOT).slots == {next(iter(slots)): ok}


def test_reply_text_slots() -> None:
    said = expect(outcome="proposal", reply_contains=["removed snowflake"], reply_lacks=["Jira"])
    assert score(said, ENDS_GOT).slots == {"reply_contains": True, "reply_lacks": True}
    wrong = expect(outcome="proposal", reply_contains=["Added"], reply_lacks=["card"])
    assert score(wrong, ENDS_GOT).slots == {"reply_contains": False, "reply_lacks": False}


def test_answered_and_withdraw_outcomes() -> None:
    answered = expect(outcome="answered", reply_contains=["GitHub"])
    assert score(answered, {"outcome": "answered", "text": "GitHub · Read"}).exact
    assert not score(answered, {"outcome": "message", "text": "GitHub · Read"}).exact
    withdraw = expect(outcome="withdraw", withdraw=["datadog:standard"])
    got = {"outcome": "withdraw", "withdraw": ["Datadog:Standard"], "text": ""}
    assert score(withdraw, got).exact
    assert not score(withdraw, {**got, "withdraw": []}).exact


def test_a_withdraw_list_needs_the_withdraw_outcome() -> None:
    with pytest.raises(ValueError, match="withdraw is given but outcome is proposal"):
        expect(outcome="proposal", withdraw=["github:write"])
