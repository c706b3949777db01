"""`Cards` on SQL: one row per conversation that has a current card. Its writers hold
the conversation's lock, so a read then a write in one transaction is enough."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import datetime

from sqlalchemy import Connection, delete, insert, select, update

from domain.ports import MessageAt, ShownCard
from domain.store.card_tables import conversation_cards as cards


class SqlCards:
    def __init__(self, connection: Callable[[], Connection]) -> None:
        self._conn = connection

    def current(self, conversation: str) -> ShownCard | None:
        query = select(cards.c.channel, cards.c.ts, cards.c.open, cards.c.unticked)
        row = self._conn().execute(query.where(cards.c.conversation == conversation)).first()
        if row is None:
            return None
        off = tuple(str(i) for i in json.loads(row.unticked or "[]"))
        return ShownCard(MessageAt(row.channel, row.ts), bool(row.open), off)

    def show(
        self,
        conversation: str,
        card: MessageAt | None,
        at: datetime,
        unticked: tuple[str, ...] = (),
    ) -> MessageAt | None:
        before = self.current(conversation)
        conn = self._conn()
        conn.execute(delete(cards).where(cards.c.conversation == conversation))
        if card is not None:
            row = dict(channel=card.channel, ts=card.ts, open=True, updated_at=at)
            row["unticked"] = json.dumps(list(unticked)) if unticked else None
            conn.execute(insert(cards).values(conversation=conversation, **row))
        return before.message if before is not None and before.open else None

    def close(self, conversation: str, at: datetime) -> None:
        closed = update(cards).where(cards.c.conversation == conversation)
        self._conn().execute(closed.values(open=False, updated_at=at))

    def untick(self, conversation: str, unticked: tuple[str, ...], at: datetime) -> None:
        off = json.dumps(list(unticked)) if unticked else None
        changed = update(cards).where(cards.c.conversation == conversation)
        self._conn().execute(changed.values(unticked=off, updated_at=at))
