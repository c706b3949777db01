"""A card is never "ready" with nothing on it: an ask or a change that leaves no
items is a question or a clear answer instead."""

from __future__ import annotations

import pytest

from tests.unit.test_changes import card, change, ctx, like_priya, only
from tools.change_models import Change, ChangeOp
from tools.changes import apply_changes
from tools.proposal import build_proposal
from tools.proposal_models import Proposal, ProposalInput


@pytest.mark.parametrize("word", ["admin", "read"])
def test_narrowing_same_access_by_a_word_that_matches_none_of_it_asks(word: str) -> None:
    p = build_proposal(
        ctx(),
        ProposalInput(
            access_like="person", reference="Priya Raman", duration="permanent", entitlements=[word]
        ),
    )
    assert p.status != "ready"
    assert not p.items
    (problem,) = p.problems
    assert problem.slot == "entitlements"
    assert f'"{word}"' in problem.message and "Priya Raman" in problem.message
    assert {c.id for c in problem.choices} == {c.id for c in p.offered}
    assert problem.multiple


def test_a_change_set_that_empties_the_card_leaves_it_and_says_so() -> None:
    p = like_priya()
    everything = [str(n) for n in range(1, len(p.items) + 1)]
    drop_all = Change(op=ChangeOp.REMOVE, items=everything)
    for changes in ([drop_all], [only("1"), Change(op=ChangeOp.REMOVE, items=["1"])]):
        result = change(p, *changes)
        assert result.proposal.items, changes
        assert result.proposal.status == "ready"
        assert any("nothing on the card" in m for m in result.not_understood)


def test_a_change_to_a_card_with_no_items_says_so() -> None:
    empty: Proposal = card(entitlements=["github write"], duration="permanent")
    empty = empty.model_copy(update={"items": []})
    result = apply_changes(
        ctx(), empty, [Change(op=ChangeOp.SET_JUSTIFICATION, justification="audit")]
    )
    assert result.not_understood == ["That would leave nothing on the card."]
    assert not result.said
