"""Each conversation's current card in memory (`domain.ports.Cards`), as the SQL table
keeps it."""

from __future__ import annotations

from datetime import datetime

from domain.ports import MessageAt, ShownCard


class MemoryCards:
    def __init__(self, rows: dict[str, ShownCard]) -> None:
        self._rows = rows

    def current(self, conversation: str) -> ShownCard | None:
        return self._rows.get(conversation)

    def show(
        self,
        conversation: str,
        card: MessageAt | None,
        at: datetime,
        unticked: tuple[str, ...] = (),
    ) -> MessageAt | None:
        before = self._rows.pop(conversation, None)
        if card is not None:
            self._rows[conversation] = ShownCard(card, open=True, unticked=unticked)
        return before.message if before is not None and before.open else None

    def close(self, conversation: str, at: datetime) -> None:
        shown = self._rows.get(conversation)
        if shown is not None:
            self._rows[conversation] = shown._replace(open=False)

    def untick(self, conversation: str, unticked: tuple[str, ...], at: datetime) -> None:
        shown = self._rows.get(conversation)
        if shown is not None:
            self._rows[conversation] = shown._replace(unticked=unticked)
