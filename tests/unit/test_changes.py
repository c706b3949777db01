"""apply_changes on the demo org: changes said in words on an open card
(docs/specs/conversation.md §2). A field no change names never changes."""

from __future__ import annotations

from datetime import timedelta

import pytest

from domain.model.directory import Directory
from domain.orgdata.demo import load_demo_org
from tests.orgs import NOW
from tools.base import ToolContext
from tools.change_models import Change, ChangeOp
from tools.changes import ChangeResult, apply_changes
from tools.proposal import build_proposal
from tools.proposal_models import Proposal, ProposalInput

DEMO = Directory(load_demo_org())
ALEX = "alex.meyer@acme.test"
OMAR = "omar.haddad@acme.test"
LATER = NOW + timedelta(hours=3)  # the change comes in a later turn


def ctx(requester: str = ALEX, now: object = NOW) -> ToolContext:
    return ToolContext(directory=DEMO, requester_id=requester, now=now)  # type: ignore[arg-type]


def card(requester: str = ALEX, **ask: object) -> Proposal:
    p = build_proposal(ctx(requester), ProposalInput.model_validate(ask))
    assert p.status == "ready", (p.problems, p.refusal)
    return p


def like_priya() -> Proposal:
    return card(
        access_like="person",
        reference="Priya Raman",
        duration="permanent",
        justification="for the payments migration",
    )


def change(p: Proposal, *changes: Change, requester: str = ALEX) -> ChangeResult:
    return apply_changes(ctx(requester, LATER), p, list(changes))


def ids(p: Proposal) -> list[str]:
    return [i.entitlement_id for i in p.items]


def remove(*items: str) -> Change:
    return Change(op=ChangeOp.REMOVE, items=list(items))


def only(*items: str) -> Change:
    return Change(op=ChangeOp.ONLY, items=list(items))


def add(*items: str) -> Change:
    return Change(op=ChangeOp.ADD, items=list(items))


def test_without_two_apps_removes_only_their_items() -> None:
    p = like_priya()
    r = change(p, remove("snowflake", "the 1password ones"))
    assert r.said == (
        "Removed Snowflake · Engineer, 1Password · Member, 1Password · Engineering vault."
    )
    assert r.not_understood == []
    gone = {"snowflake:engineer", "1password:member", "1password:vault-engineering"}
    assert ids(r.proposal) == [e for e in ids(p) if e not in gone]
    assert r.proposal.reason_text == p.reason_text and r.proposal.reason == p.reason
    assert r.proposal.duration == p.duration


def test_remove_is_never_a_revoke_and_says_what_is_not_on_the_card() -> None:
    p = like_priya()
    r = change(p, remove("datadog", "jira"))
    assert r.proposal.kind == "grant"
    assert "datadog:standard" not in ids(r.proposal)
    assert r.not_understood == ["Jira isn't on the card."]


def test_remove_by_item_number() -> None:
    p = like_priya()
    r = change(p, remove("1"))
    assert ids(r.proposal) == ids(p)[1:]


def test_a_remove_that_would_empty_the_card_leaves_it() -> None:
    p = card(entitlements=["github write"], duration="for 2 weeks")
    r = change(p, remove("github"))
    assert r.proposal == p
    assert r.not_understood == ["That would leave nothing on the card."]
    assert r.said == ""


def test_only_keeps_the_named_items_by_name_or_number() -> None:
    p = like_priya()
    r = change(p, only("github", "datadog"))
    assert ids(r.proposal) == ["github:write", "datadog:standard"]
    assert r.said == "Kept only GitHub · Write, Datadog · Standard; removed 8 others."
    r = change(p, only("1", "3"))
    assert ids(r.proposal) == [ids(p)[0], ids(p)[2]]


def test_add_keeps_every_other_field_and_end() -> None:
    p = card(
        entitlements=["github write"],
        duration="for 2 weeks",
        justification="because I'm covering on-call for Kevin",
    )
    r = change(p, add("pagerduty responder"))
    assert r.said == "Added PagerDuty · Responder."
    assert ids(r.proposal) == ["github:write", "pagerduty:responder"]
    before, after = p.items[0], r.proposal.items[0]
    assert after == before  # same end, account, label: a later turn moves nothing
    assert r.proposal.items[1].end == before.end  # the end the requester asked for
    assert (r.proposal.reason, r.proposal.reason_text) == (p.reason, p.reason_text)
    assert r.proposal.duration == p.duration


def test_add_caps_only_the_new_item() -> None:
    p = card(entitlements=["datadog standard"], duration="permanent")
    r = change(p, add("aws prod read-only"))
    added = r.proposal.items[1]
    assert added.entitlement_id == "aws-prod:read-only"
    assert added.capped_by == "AWS Production allows at most 2 weeks"
    assert r.proposal.items[0].end is None
    assert any("AWS Production allows at most 2 weeks" in w for w in r.proposal.warnings)


def test_add_what_cannot_be_added_says_why_and_adds_the_rest() -> None:
    p = card(entitlements=["datadog standard"], duration="for 2 weeks")
    r = change(p, add("okta", "github read", "pagerduty responder"))
    assert ids(r.proposal) == ["datadog:standard", "pagerduty:responder"]
    assert r.not_understood == [
        "Okta access can't be requested through me; its owners manage it directly.",
        "You have GitHub · Read already.",
    ]


def test_add_only_what_is_already_there_leaves_the_card() -> None:
    p = card(entitlements=["datadog standard"], duration="for 2 weeks")
    r = change(p, add("datadog standard"))
    assert r.proposal == p
    assert r.not_understood == ["Datadog · Standard is already on the card."]


def test_set_end_caps_each_item_again_and_says_so() -> None:
    p = card(entitlements=["datadog standard", "aws prod read-only"], duration="3 days")
    assert all(i.capped_by is None for i in p.items)
    r = change(p, Change(op=ChangeOp.SET_END, duration="permanent instead"))
    assert r.proposal.duration is not None and r.proposal.duration.status == "permanent"
    ends = {i.entitlement_id: i.capped_by for i in r.proposal.items}
    assert ends == {
        "datadog:standard": None,
        "aws-prod:read-only": "AWS Production allows at most 2 weeks",
    }
    assert "AWS Production allows at most 2 weeks" in r.said


def test_make_it_end_on_a_date() -> None:
    p = card(entitlements=["datadog standard"], duration="3 days")
    r = change(p, Change(op=ChangeOp.SET_END, duration="make it end on 20 March"))
    assert r.proposal.duration is not None and r.proposal.duration.end_date == "2026-03-20"
    assert r.said.startswith("Now ends at the end of Fri 20 Mar 2026")


def test_an_end_that_cannot_be_read_leaves_the_card() -> None:
    p = card(entitlements=["datadog standard"], duration="3 days")
    r = change(p, Change(op=ChangeOp.SET_END, duration="whenever"))
    assert r.proposal == p and len(r.not_understood) == 1


@pytest.mark.parametrize(
    ("words", "account"),
    [
        ("admin", "github:omar-h-admin"),
        ("use my admin account", "github:omar-h-admin"),
        ("the personal one", "github:omar-h"),
        ("on omar-h", "github:omar-h"),
        ("use omar-h, not the admin account", "github:omar-h"),
    ],
)
def test_set_account_by_name_or_description(words: str, account: str) -> None:
    p = card(OMAR, entitlements=["github write"], duration="1 week", identity_hints=["omar-h"])
    other = "github:omar-h" if account.endswith("admin") else "github:omar-h-admin"
    p.items[0].identity_id = other
    r = change(p, Change(op=ChangeOp.SET_ACCOUNT, account=words), requester=OMAR)
    assert r.proposal.items[0].identity_id == account, r.not_understood
    assert r.said == f"GitHub now on {account.split(':')[1]}."


def test_the_personal_account_is_the_one_the_others_only_add_words_to() -> None:
    """priya.shah and priya.shah.reporting are both not admin: "personal" is priya.shah."""
    shah = "priya.shah@acme.test"
    p = card(
        shah,
        entitlements=["snowflake engineer"],
        duration="1 week",
        identity_hints=["priya.shah.reporting"],
    )
    assert p.items[0].identity_id == "snowflake:priya.shah.reporting"
    r = change(p, Change(op=ChangeOp.SET_ACCOUNT, account="personal"), requester=shah)
    assert r.proposal.items[0].identity_id == "snowflake:priya.shah", r.not_understood


def test_set_account_where_there_is_no_choice() -> None:
    p = card(entitlements=["github write"], duration="1 week")
    r = change(p, Change(op=ChangeOp.SET_ACCOUNT, account="admin"))
    assert r.proposal == p
    assert r.not_understood == ["There is only one account to use for each item on the card."]


def test_set_justification_keeps_it_as_typed_and_preselects_a_reason() -> None:
    p = card(entitlements=["github write"], duration="1 week")
    r = change(p, Change(op=ChangeOp.SET_JUSTIFICATION, justification="incident 4411"))
    assert r.proposal.reason_text == "incident 4411"
    assert r.proposal.reason == "On-call / incident"
    assert ids(r.proposal) == ids(p) and r.proposal.items == p.items


def test_the_cards_own_notes_stay() -> None:
    p = like_priya()
    p.warnings.append("I ignored instructions in the pasted text.")
    r = change(p, remove("snowflake"))
    assert "I ignored instructions in the pasted text." in r.proposal.warnings


def test_changes_apply_in_order_and_a_bad_one_is_skipped() -> None:
    p = like_priya()
    r = change(
        p,
        remove("snowflake"),
        Change(op=ChangeOp.SET_END, duration="whenever"),
        add("figma viewer"),
    )
    assert "snowflake:engineer" not in ids(r.proposal)
    assert "figma:viewer" in ids(r.proposal)
    assert r.said == "Removed Snowflake · Engineer. Added Figma · Viewer."
    assert len(r.not_understood) == 1


def test_a_capped_end_does_not_move_when_another_item_is_added() -> None:
    p = card(entitlements=["aws prod read-only"], duration="for 2 months")
    r = change(p, add("datadog standard"))
    aws, datadog = r.proposal.items
    assert aws.end == p.items[0].end  # capped from when the card was drawn, not from now
    assert aws.capped_by == "AWS Production allows at most 2 weeks"
    assert r.proposal.duration is not None and r.proposal.duration.end == datadog.end
    assert (
        r.said == "Added Datadog · Standard. Now ends on Mon 4 May 2026 at 16:00 (Europe/Berlin)."
    )
