"""Initial schema: org snapshot, requests, audit trail, idempotency keys.

Revision ID: 0001
Revises:
Create Date: 2026-03-01

Self-contained on purpose (no imports from domain.store): a migration is history and
must keep meaning what it meant when later code changes.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

ID = sa.String(length=255)
JSON = sa.JSON().with_variant(postgresql.JSONB(), "postgresql")
TIME = sa.DateTime(timezone=True)


def _key(name: str = "key") -> sa.Column[str]:
    return sa.Column(name, ID, nullable=False)


def _position() -> sa.Column[int]:
    return sa.Column("position", sa.Integer(), nullable=False)


def _fk(columns: list[str], target: str, refs: list[str], table: str) -> sa.ForeignKeyConstraint:
    name = f"fk_{table}_{'_'.join(columns)}_{target}"
    return sa.ForeignKeyConstraint(
        columns, [f"{target}.{r}" for r in refs], name=name, ondelete="CASCADE"
    )


def _pk(table: str, *columns: str) -> sa.PrimaryKeyConstraint:
    return sa.PrimaryKeyConstraint(*columns, name=f"pk_{table}")


def _index(table: str, *columns: str) -> None:
    op.create_index(f"ix_{table}_{'_'.join(columns)}", table, list(columns))


def upgrade() -> None:
    _org()
    _requests()
    _audit()


def _org() -> None:
    op.create_table(
        "org_settings",
        sa.Column("id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("timezone", sa.String(length=64), nullable=False),
        sa.Column("reasons", JSON, nullable=False),
        sa.Column("max_duration", sa.String(length=64)),
        sa.Column("version", sa.Integer(), server_default="0", nullable=False),
        _pk("org_settings", "id"),
    )
    op.create_table(
        "org_people",
        _key(),
        sa.Column("id", ID, nullable=False),
        _position(),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("title", sa.Text()),
        sa.Column("department", sa.Text()),
        sa.Column("manager", ID),
        sa.Column("slack_id", sa.String(length=64)),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("admin", sa.Boolean(), nullable=False),
        _pk("org_people", "key"),
    )
    op.create_table(
        "org_groups",
        _key(),
        sa.Column("name", ID, nullable=False),
        _position(),
        _pk("org_groups", "key"),
    )
    op.create_table(
        "org_group_members",
        _key("group_key"),
        _key("person_key"),
        sa.Column("person", ID, nullable=False),
        _position(),
        _fk(["group_key"], "org_groups", ["key"], "org_group_members"),
        _pk("org_group_members", "group_key", "person_key"),
    )
    op.create_table(
        "org_applications",
        _key(),
        sa.Column("id", ID, nullable=False),
        _position(),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("aliases", JSON, nullable=False),
        sa.Column("owners", JSON, nullable=False),
        sa.Column("fulfillment", sa.String(length=16), nullable=False),
        sa.Column("creates_accounts", sa.Boolean()),
        sa.Column("max_duration", sa.String(length=64)),
        sa.Column("requestable", sa.Boolean(), nullable=False),
        sa.Column("approval", JSON, nullable=False),
        _pk("org_applications", "key"),
    )
    op.create_table(
        "org_entitlements",
        _key(),
        sa.Column("id", ID, nullable=False),
        sa.Column("app_key", ID, nullable=False),
        _position(),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("description", sa.Text()),
        sa.Column("aliases", JSON, nullable=False),
        sa.Column("privileged", sa.Boolean(), nullable=False),
        sa.Column("max_duration", sa.String(length=64)),
        sa.Column("approval", JSON),
        _fk(["app_key"], "org_applications", ["key"], "org_entitlements"),
        _pk("org_entitlements", "key"),
    )
    _index("org_entitlements", "app_key")
    op.create_table(
        "org_roles",
        _key(),
        sa.Column("id", ID, nullable=False),
        _position(),
        sa.Column("name", sa.Text(), nullable=False),
        _pk("org_roles", "key"),
    )
    op.create_table(
        "org_role_entitlements",
        _key("role_key"),
        _key("entitlement_key"),
        sa.Column("entitlement", ID, nullable=False),
        _position(),
        _fk(["role_key"], "org_roles", ["key"], "org_role_entitlements"),
        _pk("org_role_entitlements", "role_key", "entitlement_key"),
    )
    op.create_table(
        "org_job_titles",
        _key(),
        sa.Column("title", sa.Text(), nullable=False),
        _position(),
        _pk("org_job_titles", "key"),
    )
    op.create_table(
        "org_job_title_entitlements",
        _key("title_key"),
        _key("entitlement_key"),
        sa.Column("entitlement", ID, nullable=False),
        _position(),
        _fk(["title_key"], "org_job_titles", ["key"], "org_job_title_entitlements"),
        _pk("org_job_title_entitlements", "title_key", "entitlement_key"),
    )
    op.create_table(
        "org_identities",
        _key(),
        sa.Column("app", ID, nullable=False),
        sa.Column("username", ID, nullable=False),
        _position(),
        sa.Column("person", ID),
        sa.Column("person_key", ID),
        sa.Column("kind", sa.String(length=16), nullable=False),
        _pk("org_identities", "key"),
    )
    _index("org_identities", "person_key")
    op.create_table(
        "org_grants",
        _key("identity_key"),
        _key("entitlement_key"),
        sa.Column("entitlement", ID, nullable=False),
        sa.Column("expires", TIME),
        _position(),
        _fk(["identity_key"], "org_identities", ["key"], "org_grants"),
        _pk("org_grants", "identity_key", "entitlement_key"),
    )
    _index("org_grants", "entitlement_key")


def _requests() -> None:
    op.create_table(
        "requests",
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("requester", ID, nullable=False),
        sa.Column("requester_key", ID, nullable=False),
        sa.Column("beneficiary", ID, nullable=False),
        sa.Column("beneficiary_key", ID, nullable=False),
        sa.Column("access_like", sa.String(length=16), nullable=False),
        sa.Column("access_like_ref", ID),
        sa.Column("end", TIME),
        sa.Column("requested_end", TIME),
        sa.Column("permanent_requested", sa.Boolean(), nullable=False),
        sa.Column("capped", sa.Boolean(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("comment", sa.Text(), nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("current_step", sa.Integer()),
        sa.Column("created_at", TIME, nullable=False),
        sa.Column("updated_at", TIME, nullable=False),
        sa.Column("submitted_at", TIME),
        sa.Column("decided_at", TIME),
        sa.Column("fulfilled_at", TIME),
        sa.Column("closed_at", TIME),
        sa.Column("idempotency_key", sa.String(length=255)),
        sa.Column("version", sa.Integer(), nullable=False),
        _pk("requests", "id"),
    )
    for columns in (
        ("requester_key",),
        ("beneficiary_key",),
        ("idempotency_key",),
        ("state", "end"),
        ("state", "created_at"),
    ):
        _index("requests", *columns)
    op.create_table(
        "request_items",
        sa.Column("request_id", sa.String(length=64), nullable=False),
        sa.Column("position", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("entitlement_id", ID, nullable=False),
        sa.Column("app_id", ID, nullable=False),
        sa.Column("identity_id", ID, nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        _fk(["request_id"], "requests", ["id"], "request_items"),
        _pk("request_items", "request_id", "position"),
    )
    op.create_table(
        "approval_steps",
        sa.Column("request_id", sa.String(length=64), nullable=False),
        sa.Column("position", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("step_index", sa.Integer(), nullable=False),
        sa.Column("rule", ID, nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("decided_by", ID),
        sa.Column("decided_at", TIME),
        sa.Column("comment", sa.Text(), nullable=False),
        _fk(["request_id"], "requests", ["id"], "approval_steps"),
        _pk("approval_steps", "request_id", "position"),
    )
    op.create_table(
        "request_approvers",
        sa.Column("request_id", sa.String(length=64), nullable=False),
        sa.Column("step", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("position", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("person", ID, nullable=False),
        sa.Column("person_key", ID, nullable=False),
        _fk(
            ["request_id", "step"],
            "approval_steps",
            ["request_id", "position"],
            "request_approvers",
        ),
        _pk("request_approvers", "request_id", "step", "position"),
    )
    _index("request_approvers", "person_key")


def _audit() -> None:
    op.create_table(
        "audit_events",
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        sa.Column("at", TIME, nullable=False),
        sa.Column("actor", ID, nullable=False),
        sa.Column("action", sa.String(length=64), nullable=False),
        sa.Column("request_id", sa.String(length=64)),
        sa.Column("data", JSON, nullable=False),
        _pk("audit_events", "id"),
    )
    _index("audit_events", "request_id", "id")
    op.create_table(
        "idempotency_keys",
        sa.Column("key", sa.String(length=255), nullable=False),
        sa.Column("at", TIME, nullable=False),
        _pk("idempotency_keys", "key"),
    )
    _append_only()


APPEND_ONLY_MESSAGE = "audit_events is append-only"


def _append_only() -> None:
    """The database itself refuses to change or delete audit history."""
    if op.get_context().dialect.name == "postgresql":
        op.execute(
            f"""
            CREATE FUNCTION audit_events_append_only() RETURNS trigger
            LANGUAGE plpgsql AS $$
            BEGIN
                RAISE EXCEPTION '{APPEND_ONLY_MESSAGE}' USING ERRCODE = 'insufficient_privilege';
            END $$
            """
        )
        op.execute(
            "CREATE TRIGGER audit_events_no_change BEFORE UPDATE OR DELETE ON audit_events"
            " FOR EACH ROW EXECUTE FUNCTION audit_events_append_only()"
        )
        op.execute(
            "CREATE TRIGGER audit_events_no_truncate BEFORE TRUNCATE ON audit_events"
            " FOR EACH STATEMENT EXECUTE FUNCTION audit_events_append_only()"
        )
    else:
        for event in ("UPDATE", "DELETE"):
            op.execute(
                f"CREATE TRIGGER audit_events_no_{event.lower()} BEFORE {event} ON audit_events"
                f" BEGIN SELECT RAISE(ABORT, '{APPEND_ONLY_MESSAGE}'); END"
            )


def downgrade() -> None:
    if op.get_context().dialect.name == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS audit_events_no_truncate ON audit_events")
        op.execute("DROP TRIGGER IF EXISTS audit_events_no_change ON audit_events")
        op.execute("DROP FUNCTION IF EXISTS audit_events_append_only()")
    for table in (
        "idempotency_keys",
        "audit_events",
        "request_approvers",
        "approval_steps",
        "request_items",
        "requests",
        "org_grants",
        "org_identities",
        "org_job_title_entitlements",
        "org_job_titles",
        "org_role_entitlements",
        "org_roles",
        "org_entitlements",
        "org_applications",
        "org_group_members",
        "org_groups",
        "org_people",
        "org_settings",
    ):
        op.drop_table(table)
