"""The org snapshot, shaped exactly like the org data file (docs/specs/org-data.md).

These models are both the import/export format and the in-memory truth the tools
read (through `domain.model.directory.Directory`). Unknown keys are errors (`extra="forbid"`).
Cross-references are checked in `domain.orgdata.orgfile`, which also rewrites every reference
to the id as its target wrote it (ids are case-insensitive for lookup).
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Annotated, Any

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, field_validator


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=False, str_strip_whitespace=True)


class PersonStatus(StrEnum):
    ACTIVE = "active"
    TERMINATED = "terminated"


class Fulfillment(StrEnum):
    MANUAL = "manual"
    LDAP = "ldap"
    SCIM = "scim"
    WEBHOOK = "webhook"


class IdentityKind(StrEnum):
    USER = "user"
    SERVICE = "service"


NonEmpty = Annotated[str, Field(min_length=1)]


class FourEyes(StrEnum):
    """Which requests need two distinct deciders, neither the requester."""

    PRIVILEGED = "privileged"  # requests with a privileged item (the default)
    ALL = "all"
    OFF = "off"


class Reminders(_Model):
    """When an unanswered step is chased: ISO-8601 durations counted in business days
    (Monday to Friday in the org's time zone)."""

    after: NonEmpty = "P1D"
    escalate_after: NonEmpty = "P3D"


class OrgSettings(_Model):
    name: NonEmpty
    timezone: NonEmpty = "UTC"
    reasons: list[NonEmpty] = Field(default_factory=lambda: ["Other"])
    max_duration: str | None = None
    # None: the default (left out of an export, so older files round-trip unchanged)
    reminders: Reminders | None = None
    four_eyes: FourEyes | None = None
    alerts_channel: str | None = None

    @field_validator("four_eyes", mode="before")
    @classmethod
    def _off(cls, value: Any) -> Any:
        """YAML reads a bare `off` as false: that is the setting "off"."""
        return FourEyes.OFF if value is False else value


class Person(_Model):
    id: NonEmpty
    name: NonEmpty
    title: str | None = None
    department: str | None = None
    manager: str | None = None
    slack_id: str | None = None
    status: PersonStatus = PersonStatus.ACTIVE
    admin: bool = False

    @property
    def active(self) -> bool:
        return self.status is PersonStatus.ACTIVE


class Entitlement(_Model):
    id: NonEmpty
    name: NonEmpty
    description: str | None = None
    aliases: list[NonEmpty] = Field(default_factory=list)
    privileged: bool = False
    max_duration: str | None = None
    approval: list[NonEmpty] | None = None
    target: NonEmpty | None = None  # LDAP group DN, SCIM group id, webhook string; default: id

    @property
    def connector_target(self) -> str:
        return self.target or self.id


class ConnectorSettings(_Model):
    """How an app's fulfilment kind reaches its target (docs/specs/org-data.md).

    One model for every kind, so an unknown key is an error wherever it appears; which
    keys a kind needs or allows is checked in `domain.orgdata.orgcheck`. Secrets are
    only ever the NAMES of environment variables, read when the connectors are built."""

    url: NonEmpty | None = None  # the endpoint itself, when it is no secret
    url_env: NonEmpty | None = None  # or the env var holding it
    secret_env: NonEmpty | None = None  # webhook: the HMAC-SHA256 signing secret
    token_env: NonEmpty | None = None  # scim: the bearer token
    bind_dn_env: NonEmpty | None = None  # ldap: who binds (unset: anonymous)
    password_env: NonEmpty | None = None  # ldap: the bind password
    people_base: NonEmpty | None = None  # ldap: where accounts live (uid=<username>,...)
    member_attribute: NonEmpty | None = None  # ldap: member (default) | uniqueMember | memberUid

    def env_names(self) -> list[str]:
        names = (self.url_env, self.secret_env, self.token_env)
        return [n for n in (*names, self.bind_dn_env, self.password_env) if n]


class Application(_Model):
    id: NonEmpty
    name: NonEmpty
    aliases: list[NonEmpty] = Field(default_factory=list)
    owners: list[NonEmpty] = Field(default_factory=list)
    fulfillment: Fulfillment = Fulfillment.MANUAL
    connector: ConnectorSettings | None = None
    creates_accounts: bool | None = None
    max_duration: str | None = None
    requestable: bool = True
    approval: list[NonEmpty] = Field(default_factory=lambda: ["manager"])
    entitlements: list[Entitlement] = Field(default_factory=list)

    @property
    def can_create_accounts(self) -> bool:
        """The spec's default: scim, ldap and manual may create a missing account."""
        if self.creates_accounts is not None:
            return self.creates_accounts
        return self.fulfillment is not Fulfillment.WEBHOOK


class Role(_Model):
    id: NonEmpty
    name: NonEmpty
    entitlements: list[NonEmpty] = Field(default_factory=list)


def _grant_from_text(value: Any) -> Any:
    return {"entitlement": value} if isinstance(value, str) else value


class HeldGrant(_Model):
    entitlement: NonEmpty
    expires: datetime | None = None

    @field_validator("expires")
    @classmethod
    def _aware(cls, value: datetime | None) -> datetime | None:
        if value is not None and value.tzinfo is None:
            raise ValueError("expires needs a UTC offset, e.g. 2026-12-01T00:00:00Z")
        return value


class Identity(_Model):
    app: NonEmpty
    username: NonEmpty
    person: str | None = None
    kind: IdentityKind = IdentityKind.USER
    grants: list[Annotated[HeldGrant, BeforeValidator(_grant_from_text)]] = Field(
        default_factory=list
    )

    @property
    def id(self) -> str:
        return f"{self.app}:{self.username}"


class OrgData(_Model):
    """One whole org file."""

    org: OrgSettings
    people: list[Person] = Field(default_factory=list)
    groups: dict[NonEmpty, list[NonEmpty]] = Field(default_factory=dict)
    applications: list[Application] = Field(default_factory=list)
    roles: list[Role] = Field(default_factory=list)
    job_titles: dict[NonEmpty, list[NonEmpty]] = Field(default_factory=dict)
    identities: list[Identity] = Field(default_factory=list)
