"""Changes to an open card, as explicit operations (docs/specs/conversation.md §2).

The model (either backend) reads "without Snowflake", "also Datadog standard",
"make it 3 days", "use the admin account" into `Change`s; the deterministic tools
(`tools.changes.apply_changes`) apply them to the open proposal. A field no change
names never changes, and a change never turns into a request of another kind.
"""

from __future__ import annotations

from enum import StrEnum

from pydantic import Field

from tools.base import ToolModel


class ChangeOp(StrEnum):
    ADD = "add"  # "also Datadog standard", "add X", "and PagerDuty responder too"
    REMOVE = "remove"  # "without Snowflake", "drop X", "all except X and Y"
    ONLY = "only"  # "just GitHub", "only 1 and 3"
    SET_END = "set_end"  # "make it 3 days", "until the 20th", "permanent instead"
    SET_ACCOUNT = "set_account"  # "use the admin account", "on mokafor"
    SET_JUSTIFICATION = "set_justification"  # "reason: incident 4411", "it's for the audit"
    NEW_BENEFICIARY = "new_beneficiary"  # "for Wei instead": a new card for that person


class Change(ToolModel):
    """One operation on the open card. Every value is text as the user wrote it."""

    op: ChangeOp
    items: list[str] = Field(
        default_factory=list,
        description='add/remove/only: apps or entitlements as written ("snowflake", '
        '"datadog standard"), or the card\'s item numbers ("1", "3").',
    )
    duration: str | None = Field(
        default=None, description='set_end: the duration words as written ("3 days").'
    )
    account: str | None = Field(
        default=None,
        description='set_account: the account as written or described ("mokafor", "admin").',
    )
    app: str | None = Field(
        default=None, description="set_account: the app the account is in, when said."
    )
    justification: str | None = Field(
        default=None, description="set_justification: the justification as written."
    )
    beneficiary: str | None = Field(
        default=None, description="new_beneficiary: the person as written."
    )
