"""Four eyes and reminders: `requests.four_eyes` (fixed at submission: the request needs
two distinct deciders), and the org settings `reminders`, `four_eyes` and
`alerts_channel` (all optional; NULL means the default).

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-01
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

JSON = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")


def upgrade() -> None:
    with op.batch_alter_table("requests") as batch:
        batch.add_column(
            sa.Column("four_eyes", sa.Boolean(), nullable=False, server_default=sa.false())
        )
    with op.batch_alter_table("org_settings") as batch:
        batch.add_column(sa.Column("reminders", JSON))
        batch.add_column(sa.Column("four_eyes", sa.String(length=16)))
        batch.add_column(sa.Column("alerts_channel", sa.String(length=64)))


def downgrade() -> None:
    with op.batch_alter_table("org_settings") as batch:
        batch.drop_column("alerts_channel")
        batch.drop_column("four_eyes")
        batch.drop_column("reminders")
    with op.batch_alter_table("requests") as batch:
        batch.drop_column("four_eyes")
