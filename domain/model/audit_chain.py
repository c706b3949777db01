"""The audit trail as a hash chain: each row holds the previous row's hash and its own,
SHA-256 over a canonical encoding of the row plus that previous hash.

The append-only triggers stop a bug; the chain catches a person. Whoever edits,
deletes or reorders rows (even after dropping the triggers) breaks a link that `walk`
finds, unless they rewrite every later hash and the chain head as well, which is why
`verify` prints the head: kept somewhere else (a ticket, a log shipper), it pins
everything before it.

The encoding is what both stores hand back, so a row hashes the same on the way in
and on the way out: `at` in UTC to the microsecond, `data` as sorted JSON with
integral floats written as integers (PostgreSQL's JSONB returns 1e20 as an integer).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC

from domain.model.requests import AuditEvent

GENESIS = "0" * 64
"""The "previous hash" of the first row."""


@dataclass(frozen=True)
class ChainHead:
    """The newest link: how many rows the chain holds and the last one's hash."""

    seq: int = 0
    hash: str = GENESIS


@dataclass(frozen=True)
class ChainBreak:
    """The first row that does not fit the chain, and why."""

    seq: int | None
    id: int | None
    reason: str

    def __str__(self) -> str:
        where = f"seq {self.seq}" if self.seq is not None else "no seq"
        return f"row id {self.id} ({where}): {self.reason}"


def _plain(value: object) -> object:
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    return value


def canonical(event: AuditEvent, *, seq: int, prev_hash: str) -> bytes:
    """The bytes a row's hash covers: its place, its content and the previous hash."""
    data = event.model_dump(mode="json", include={"data"})["data"]
    body = {
        "seq": seq,
        "at": event.at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ"),
        "actor": event.actor,
        "action": event.action,
        "request_id": event.request_id,
        "data": _plain(data),
        "prev": prev_hash,
    }
    text = json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return text.encode("utf-8")


def link(event: AuditEvent, *, seq: int, prev_hash: str) -> str:
    return hashlib.sha256(canonical(event, seq=seq, prev_hash=prev_hash)).hexdigest()


def chained(event: AuditEvent, head: ChainHead) -> AuditEvent:
    """`event` as the row after `head`: its seq, the previous hash and its own hash."""
    seq = head.seq + 1
    digest = link(event, seq=seq, prev_hash=head.hash)
    return event.model_copy(update={"seq": seq, "prev_hash": head.hash, "hash": digest})


class ChainWalk:
    """Checks rows fed in chain order (in pages, so a long trail needs little memory)."""

    def __init__(self) -> None:
        self.head = ChainHead()
        self.broken: ChainBreak | None = None

    def feed(self, rows: Iterable[AuditEvent]) -> ChainBreak | None:
        for row in rows:
            if self.broken is None:
                self.broken = self._check(row)
                if self.broken is None:
                    self.head = ChainHead(row.seq or 0, row.hash or "")
        return self.broken

    def _check(self, row: AuditEvent) -> ChainBreak | None:
        expected = self.head.seq + 1
        if row.seq != expected:
            what = "missing (deleted)" if (row.seq or 0) > expected else "out of order"
            return ChainBreak(row.seq, row.id, f"expected seq {expected}: row(s) {what}")
        if row.prev_hash != self.head.hash:
            return ChainBreak(row.seq, row.id, "previous hash does not match: reordered")
        if row.hash != link(row, seq=expected, prev_hash=self.head.hash):
            return ChainBreak(row.seq, row.id, "content does not match its hash: edited")
        return None

    def finish(self, recorded: ChainHead, outside: list[AuditEvent]) -> ChainBreak | None:
        """The end of the walk: rows nobody chained, and the head the store recorded."""
        if self.broken is not None:
            return self.broken
        if outside:
            first = outside[0]
            return ChainBreak(first.seq, first.id, "not in the chain: inserted outside the app")
        if recorded != self.head:
            return ChainBreak(
                recorded.seq,
                None,
                f"the chain ends at seq {self.head.seq} but the head says seq {recorded.seq}: "
                "rows at the end deleted, or the head edited",
            )
        return None
