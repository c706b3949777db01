"""The audit trail as a hash chain: `seq`, `prev_hash` and `hash` on every audit row,
and `audit_chain`, the one row holding the newest link (locked by each appending
transaction, so links are made one at a time, in commit order).

Existing rows are chained here, in id order (their commit order on SQLite; on
PostgreSQL the best order there is). The append-only triggers are set aside for that
UPDATE only, inside this migration's transaction.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-01

Self-contained on purpose (no imports from domain): the encoding below is a frozen
copy of `domain.model.audit_chain.canonical` as it was when this was written; the
test `test_upgrading_chains_existing_rows` checks the two agree.
"""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

GENESIS = "0" * 64
SEQ = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
BATCH = 1000

events = sa.table(
    "audit_events",
    sa.column("id", sa.BigInteger()),
    sa.column("at", sa.DateTime(timezone=True)),
    sa.column("actor", sa.String()),
    sa.column("action", sa.String()),
    sa.column("request_id", sa.String()),
    sa.column("data", sa.JSON().with_variant(postgresql.JSONB(), "postgresql")),
    sa.column("seq", SEQ),
    sa.column("prev_hash", sa.String()),
    sa.column("hash", sa.String()),
)


def upgrade() -> None:
    op.add_column("audit_events", sa.Column("seq", SEQ))
    op.add_column("audit_events", sa.Column("prev_hash", sa.String(length=64)))
    op.add_column("audit_events", sa.Column("hash", sa.String(length=64)))
    op.create_index("ix_audit_events_seq", "audit_events", ["seq"], unique=True)
    op.create_table(
        "audit_chain",
        sa.Column("id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("seq", SEQ, nullable=False),
        sa.Column("hash", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_audit_chain"),
    )
    _triggers(enable=False)
    seq, last = _chain_existing()
    _triggers(enable=True)
    op.execute(sa.text("INSERT INTO audit_chain (id, seq, hash) VALUES (1, :s, :h)").bindparams(
        s=seq, h=last
    ))


def _chain_existing() -> tuple[int, str]:
    bind = op.get_bind()
    seq, last, after = 0, GENESIS, -1
    while True:
        query = sa.select(events).where(events.c.id > after).order_by(events.c.id).limit(BATCH)
        rows = bind.execute(query).mappings().all()
        if not rows:
            return seq, last
        for row in rows:
            seq += 1
            digest = _link(row, seq, last)
            bind.execute(
                events.update()
                .where(events.c.id == row["id"])
                .values(seq=seq, prev_hash=last, hash=digest)
            )
            last, after = digest, row["id"]


def _plain(value: object) -> object:
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    return value


def _link(row: sa.RowMapping, seq: int, prev: str) -> str:
    at: datetime = row["at"]
    at = at.replace(tzinfo=UTC) if at.tzinfo is None else at.astimezone(UTC)
    data = row["data"]
    if isinstance(data, str):  # SQLite without the JSON type's decoding
        data = json.loads(data)
    body = {
        "seq": seq,
        "at": at.strftime("%Y-%m-%dT%H:%M:%S.%fZ"),
        "actor": row["actor"],
        "action": row["action"],
        "request_id": row["request_id"],
        "data": _plain(data),
        "prev": prev,
    }
    text = json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


APPEND_ONLY_MESSAGE = "audit_events is append-only"  # as 0001 wrote it


def _triggers(*, enable: bool) -> None:
    """Set the append-only triggers of 0001 aside (and back) around the one UPDATE."""
    if op.get_context().dialect.name == "postgresql":
        verb = "ENABLE" if enable else "DISABLE"
        op.execute(f"ALTER TABLE audit_events {verb} TRIGGER audit_events_no_change")
        return
    for event in ("UPDATE", "DELETE"):
        name = f"audit_events_no_{event.lower()}"
        if enable:
            op.execute(
                f"CREATE TRIGGER {name} BEFORE {event} ON audit_events"
                f" BEGIN SELECT RAISE(ABORT, '{APPEND_ONLY_MESSAGE}'); END"
            )
        else:
            op.execute(f"DROP TRIGGER {name}")


def downgrade() -> None:
    op.drop_table("audit_chain")
    op.drop_index("ix_audit_events_seq", table_name="audit_events")
    for column in ("hash", "prev_hash", "seq"):
        op.execute(f"ALTER TABLE audit_events DROP COLUMN {column}")
