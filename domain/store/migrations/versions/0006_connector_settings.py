"""Connector settings per application and the connector's target per entitlement
(docs/specs/org-data.md, `connector:` and `target:`), both optional.

Revision ID: 0006
Revises: 0005 (the outbox)
Create Date: 2026-12-01
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

JSON = sa.JSON(none_as_null=True).with_variant(postgresql.JSONB(none_as_null=True), "postgresql")


def upgrade() -> None:
    op.add_column("org_applications", sa.Column("connector", JSON))
    op.add_column("org_entitlements", sa.Column("target", sa.Text()))


def downgrade() -> None:
    with op.batch_alter_table("org_entitlements") as batch:
        batch.drop_column("target")
    with op.batch_alter_table("org_applications") as batch:
        batch.drop_column("connector")
