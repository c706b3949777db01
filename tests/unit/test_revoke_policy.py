"""Revoking a terminated person's leftover access (docs/specs/conversation.md §4)."""

from __future__ import annotations

import pytest

from domain.errors import NotAllowed
from domain.model.policy import check_revoke
from tests.orgs import small_directory

D = small_directory()
TOM = "tom@t.test"  # terminated; his last manager is Dana; holds GitHub grants


@pytest.mark.parametrize("who", ["ines@t.test", "dana@t.test", "ceo@t.test", "omar@t.test"])
def test_admin_last_manager_or_app_owner_may_clean_up(who: str) -> None:
    check_revoke(D, who, TOM, ["github"])


@pytest.mark.parametrize("who", ["alex@t.test", "sam@t.test", "kai@t.test"])
def test_others_are_still_refused(who: str) -> None:
    with pytest.raises(NotAllowed) as refused:
        check_revoke(D, who, TOM, ["github"])
    assert refused.value.code == "not_allowed_to_revoke"


def test_an_owner_of_another_app_only_is_refused() -> None:
    with pytest.raises(NotAllowed):
        check_revoke(D, "sam@t.test", TOM, ["github"])  # Sam owns AWS, not GitHub


def test_active_people_follow_the_usual_rule_or_app_ownership() -> None:
    check_revoke(D, "dana@t.test", "alex@t.test", ["github"])  # manager
    check_revoke(D, "omar@t.test", "alex@t.test", ["github"])  # GitHub's owner
    with pytest.raises(NotAllowed):
        check_revoke(D, "priya@t.test", "alex@t.test", ["github"])


def test_last_manager_submits_the_clean_up_and_the_card_is_not_refused() -> None:
    from domain.model.requests import RequestItem, RequestKind
    from domain.ports import FixedClock
    from domain.store.memory import InMemoryUnitOfWork
    from domain.usecases.submission import Draft, submit
    from tests.orgs import NOW, small_org
    from tools.base import ToolContext
    from tools.proposal import build_proposal
    from tools.proposal_models import ProposalInput

    ctx = ToolContext(directory=D, requester_id="dana@t.test", now=NOW)
    card = build_proposal(
        ctx, ProposalInput(kind="revoke", beneficiary="Tom Becker", entitlements=["github write"])
    )
    assert card.status == "ready", card.refusal
    made = submit(
        uow=InMemoryUnitOfWork(small_org()),
        directory=D,
        draft=Draft(
            kind=RequestKind.REVOKE,
            requester="dana@t.test",
            beneficiary=TOM,
            items=[
                RequestItem(
                    entitlement_id="github:write", app_id="github", identity_id="github:tom-b"
                )
            ],
            reason="Other",
        ),
        actor="dana@t.test",
        clock=FixedClock(NOW),
    )
    assert made and made[0].steps
