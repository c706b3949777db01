"""The org snapshot as tables, one per list or mapping of the org file.

Each row has a `key` (the casefolded id: ids are case-insensitive for lookup and kept
as written in their own column) and a `position` (its place in the file's list, so an
export reproduces the file's order). Lists of plain strings inside one row (aliases,
owners, approval steps, reasons) are JSON; lists of references to other rows (group
members, role and job-title bundles, grants) are child tables, so "who holds X" and
"which roles include X" are plain indexed queries.
"""

from __future__ import annotations

from sqlalchemy import Boolean, Column, ForeignKey, Index, Integer, String, Table

from domain.store.tables import ID, TEXT, metadata
from domain.store.types import Json, UtcDateTime


def _key(name: str = "key") -> Column[str]:
    return Column(name, ID, primary_key=True)


def _parent(name: str, target: str) -> Column[str]:
    return Column(name, ID, ForeignKey(target, ondelete="CASCADE"), primary_key=True)


def _position() -> Column[int]:
    return Column("position", Integer, nullable=False)


org_settings = Table(
    "org_settings",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=False),
    Column("name", TEXT, nullable=False),
    Column("timezone", String(64), nullable=False),
    Column("reasons", Json, nullable=False),
    Column("max_duration", String(64)),
    Column("reminders", Json),
    Column("four_eyes", String(16)),
    Column("alerts_channel", String(64)),
    Column("version", Integer, nullable=False, server_default="0"),
)

org_people = Table(
    "org_people",
    metadata,
    _key(),
    Column("id", ID, nullable=False),
    _position(),
    Column("name", TEXT, nullable=False),
    Column("title", TEXT),
    Column("department", TEXT),
    Column("manager", ID),
    Column("slack_id", String(64)),
    Column("status", String(16), nullable=False),
    Column("admin", Boolean, nullable=False),
)

org_groups = Table(
    "org_groups",
    metadata,
    _key(),
    Column("name", ID, nullable=False),
    _position(),
)

org_group_members = Table(
    "org_group_members",
    metadata,
    _parent("group_key", "org_groups.key"),
    _key("person_key"),
    Column("person", ID, nullable=False),
    _position(),
)

org_applications = Table(
    "org_applications",
    metadata,
    _key(),
    Column("id", ID, nullable=False),
    _position(),
    Column("name", TEXT, nullable=False),
    Column("aliases", Json, nullable=False),
    Column("owners", Json, nullable=False),
    Column("fulfillment", String(16), nullable=False),
    Column("connector", Json),
    Column("creates_accounts", Boolean),
    Column("max_duration", String(64)),
    Column("requestable", Boolean, nullable=False),
    Column("approval", Json, nullable=False),
)

org_entitlements = Table(
    "org_entitlements",
    metadata,
    _key(),
    Column("id", ID, nullable=False),
    Column("app_key", ID, ForeignKey("org_applications.key", ondelete="CASCADE"), nullable=False),
    _position(),
    Column("name", TEXT, nullable=False),
    Column("description", TEXT),
    Column("aliases", Json, nullable=False),
    Column("privileged", Boolean, nullable=False),
    Column("max_duration", String(64)),
    Column("approval", Json),
    Column("target", TEXT),
    Index(None, "app_key"),
)

org_roles = Table(
    "org_roles",
    metadata,
    _key(),
    Column("id", ID, nullable=False),
    _position(),
    Column("name", TEXT, nullable=False),
)

org_role_entitlements = Table(
    "org_role_entitlements",
    metadata,
    _parent("role_key", "org_roles.key"),
    _key("entitlement_key"),
    Column("entitlement", ID, nullable=False),
    _position(),
)

org_job_titles = Table(
    "org_job_titles",
    metadata,
    _key(),
    Column("title", TEXT, nullable=False),
    _position(),
)

org_job_title_entitlements = Table(
    "org_job_title_entitlements",
    metadata,
    _parent("title_key", "org_job_titles.key"),
    _key("entitlement_key"),
    Column("entitlement", ID, nullable=False),
    _position(),
)

org_identities = Table(
    "org_identities",
    metadata,
    _key(),
    Column("app", ID, nullable=False),
    Column("username", ID, nullable=False),
    _position(),
    Column("person", ID),
    Column("person_key", ID),
    Column("kind", String(16), nullable=False),
    Index(None, "person_key"),
)

org_grants = Table(
    "org_grants",
    metadata,
    _parent("identity_key", "org_identities.key"),
    _key("entitlement_key"),
    Column("entitlement", ID, nullable=False),
    Column("expires", UtcDateTime),
    _position(),
    Index(None, "entitlement_key"),
)

ORG_TABLES: dict[str, Table] = {
    "org": org_settings,
    "people": org_people,
    "groups": org_groups,
    "group_members": org_group_members,
    "applications": org_applications,
    "entitlements": org_entitlements,
    "roles": org_roles,
    "role_entitlements": org_role_entitlements,
    "job_titles": org_job_titles,
    "job_title_entitlements": org_job_title_entitlements,
    "identities": org_identities,
    "grants": org_grants,
}
"""Report name → table, parents before children (insert in this order, delete reversed)."""
