"""`Cards`: each conversation's current card, the same on memory, SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime

from domain.ports import MessageAt, ShownCard
from tests.integration.conftest import Store

AT = datetime(2026, 3, 4, 15, 0, tzinfo=UTC)
A, B = MessageAt("D01ALEX", "1.000001"), MessageAt("D01ALEX", "2.000002")


def show(store: Store, card: MessageAt | None, conversation: str = "c1") -> MessageAt | None:
    with store.uow() as uow:
        before = uow.cards.show(conversation, card, AT)
        uow.commit()
    return before


def current(store: Store, conversation: str = "c1") -> ShownCard | None:
    with store.uow() as uow:
        return uow.cards.current(conversation)


def test_a_new_card_replaces_the_open_one(store: Store) -> None:
    assert current(store) is None
    assert show(store, A) is None
    assert current(store) == ShownCard(A, open=True)
    assert show(store, B) == A  # A's message goes stale
    assert current(store) == ShownCard(B, open=True)
    assert current(store, "c2") is None  # per conversation


def test_a_turn_without_a_card_leaves_none_current(store: Store) -> None:
    show(store, A)
    assert show(store, None) == A
    assert current(store) is None


def test_a_closed_card_stays_current_and_is_not_retired(store: Store) -> None:
    show(store, A)
    with store.uow() as uow:
        uow.cards.close("c1", AT)
        uow.commit()
    assert current(store) == ShownCard(A, open=False)
    assert show(store, B) is None  # its message shows the receipt: left alone
    assert current(store) == ShownCard(B, open=True)


def test_a_change_not_committed_is_not_seen(store: Store) -> None:
    show(store, A)
    with store.uow() as uow:
        uow.cards.show("c1", B, AT)
    assert current(store) == ShownCard(A, open=True)
