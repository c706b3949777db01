"""Inbox dead letters and placeholders: `dead_at` marks a job given up on (counted by
/metrics and `doctor`), and `reply_channel`/`reply_ts` remember the "Thinking…" message
a job posted, so an attempt after a crash updates it instead of leaving it behind.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-27
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("inbox_jobs") as batch:
        batch.add_column(sa.Column("dead_at", sa.DateTime(timezone=True)))
        batch.add_column(sa.Column("reply_channel", sa.String(length=64)))
        batch.add_column(sa.Column("reply_ts", sa.String(length=32)))
    op.create_index("ix_inbox_jobs_dead_at", "inbox_jobs", ["dead_at"])


def downgrade() -> None:
    op.drop_index("ix_inbox_jobs_dead_at", table_name="inbox_jobs")
    with op.batch_alter_table("inbox_jobs") as batch:
        batch.drop_column("reply_ts")
        batch.drop_column("reply_channel")
        batch.drop_column("dead_at")
