"""The items the requester unticked on a conversation's current card, so the next card
drawn after a typed change keeps them unticked (no change is silent).

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-02
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("conversation_cards") as batch:
        batch.add_column(sa.Column("unticked", sa.Text(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("conversation_cards") as batch:
        batch.drop_column("unticked")
