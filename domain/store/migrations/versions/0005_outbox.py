"""The outbox: one row per connector call, written with the state change that asks for
it (approved → fulfilling, fulfilled → expired or revoked) and done by a worker.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-01
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

TIME = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "outbox",
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        sa.Column("key", sa.String(length=255), nullable=False),
        sa.Column("request_id", sa.String(length=255), nullable=False),
        sa.Column("entitlement_id", sa.String(length=255), nullable=False),
        sa.Column("action", sa.String(length=16), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("hold_seconds", sa.BigInteger()),
        sa.Column("created_at", TIME, nullable=False),
        sa.Column("available_at", TIME, nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("leased_until", TIME),
        sa.Column("claim_token", sa.String(length=32)),
        sa.Column("settled_at", TIME),
        sa.Column("error", sa.Text()),
        sa.PrimaryKeyConstraint("id", name="pk_outbox"),
        sa.UniqueConstraint("key", name="uq_outbox_key"),
    )
    op.create_index("ix_outbox_status_available_at", "outbox", ["status", "available_at"])
    op.create_index("ix_outbox_request_id", "outbox", ["request_id"])


def downgrade() -> None:
    op.drop_index("ix_outbox_request_id", table_name="outbox")
    op.drop_index("ix_outbox_status_available_at", table_name="outbox")
    op.drop_table("outbox")
