"""The inbox (Slack events taken in durably, done by a worker) and leases between
processes (one agent turn per conversation at a time).

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-26
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

TIME = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "inbox_jobs",
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        sa.Column("key", sa.String(length=255), nullable=False),
        sa.Column("kind", sa.String(length=64), nullable=False),
        sa.Column("lane", sa.String(length=255), nullable=False),
        sa.Column("payload", sa.Text(), nullable=False),
        sa.Column("received_at", TIME, nullable=False),
        sa.Column("available_at", TIME, nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("leased_until", TIME),
        sa.Column("done_at", TIME),
        sa.Column("error", sa.Text()),
        sa.Column("claim_token", sa.String(length=32)),
        sa.PrimaryKeyConstraint("id", name="pk_inbox_jobs"),
        sa.UniqueConstraint("key", name="uq_inbox_jobs_key"),
    )
    op.create_index(
        "ix_inbox_jobs_done_at_available_at", "inbox_jobs", ["done_at", "available_at"]
    )
    op.create_index("ix_inbox_jobs_lane_done_at", "inbox_jobs", ["lane", "done_at"])
    op.create_table(
        "leases",
        sa.Column("name", sa.String(length=255), nullable=False),
        sa.Column("holder", sa.String(length=255), nullable=False),
        sa.Column("until", TIME, nullable=False),
        sa.PrimaryKeyConstraint("name", name="pk_leases"),
    )


def downgrade() -> None:
    op.drop_table("leases")
    op.drop_index("ix_inbox_jobs_lane_done_at", table_name="inbox_jobs")
    op.drop_index("ix_inbox_jobs_done_at_available_at", table_name="inbox_jobs")
    op.drop_table("inbox_jobs")
