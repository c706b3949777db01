"""Who may ask for whom, and who approves: the rules of docs/specs/org-data.md."""

from __future__ import annotations

import pytest

from domain.errors import NotAllowed
from domain.model.policy import NoApprover, approval_route, check_on_behalf
from tests.orgs import small_directory

D = small_directory()


@pytest.mark.parametrize(
    ("requester", "beneficiary"),
    [
        ("alex@t.test", "alex@t.test"),  # self
        ("dana@t.test", "alex@t.test"),  # direct report
        ("dana@t.test", "kai@t.test"),  # indirect report
        ("ceo@t.test", "kai@t.test"),  # deep indirect report
        ("ines@t.test", "priya@t.test"),  # admin, anyone
    ],
)
def test_allowed_on_behalf(requester: str, beneficiary: str) -> None:
    check_on_behalf(D, requester, beneficiary)


@pytest.mark.parametrize(
    ("requester", "beneficiary", "code"),
    [
        ("alex@t.test", "priya@t.test", "not_your_report"),  # a peer
        ("kai@t.test", "alex@t.test", "not_your_report"),  # their own manager
        ("dana@t.test", "tom@t.test", "beneficiary_inactive"),
        ("tom@t.test", "tom@t.test", "unknown_requester"),  # terminated requester
        ("alex@t.test", "nobody@t.test", "unknown_beneficiary"),
    ],
)
def test_refused_on_behalf(requester: str, beneficiary: str, code: str) -> None:
    with pytest.raises(NotAllowed) as err:
        check_on_behalf(D, requester, beneficiary)
    assert err.value.code == code


def _route(ent: str, requester: str, beneficiary: str) -> list[tuple[str, tuple[str, ...]]]:
    steps = approval_route(D, ent, requester_id=requester, beneficiary_id=beneficiary)
    return [(s.rule, s.approvers) for s in steps]


def test_app_default_route_is_manager_then_owner() -> None:
    assert _route("github:write", "alex@t.test", "alex@t.test") == [
        ("manager", ("dana@t.test",)),
        ("app_owner", ("omar@t.test",)),
    ]


def test_entitlement_override_adds_group_step() -> None:
    assert _route("github:admin", "alex@t.test", "alex@t.test")[2] == (
        "group:security",
        ("sam@t.test", "omar@t.test"),
    )


def test_app_without_approval_defaults_to_manager() -> None:
    assert _route("aws-prod:read-only", "alex@t.test", "alex@t.test") == [
        ("manager", ("dana@t.test",))
    ]


def test_owner_asking_for_himself_goes_to_his_manager() -> None:
    steps = approval_route(
        D, "github:write", requester_id="omar@t.test", beneficiary_id="omar@t.test"
    )
    assert steps[1].approvers == ("ceo@t.test",)
    assert "Omar Haddad cannot approve" in steps[1].note


def test_group_member_removed_but_others_remain() -> None:
    steps = approval_route(
        D, "github:admin", requester_id="sam@t.test", beneficiary_id="sam@t.test"
    )
    assert steps[2].approvers == ("omar@t.test",)


def test_manager_requesting_for_report_is_not_the_manager_step() -> None:
    steps = approval_route(
        D, "github:write", requester_id="dana@t.test", beneficiary_id="alex@t.test"
    )
    assert steps[0].approvers == ("ceo@t.test",)


def test_no_manager_is_refused_not_approved() -> None:
    with pytest.raises(NoApprover, match="has no active manager"):
        approval_route(
            D, "aws-prod:read-only", requester_id="ceo@t.test", beneficiary_id="ceo@t.test"
        )
