"""The data the guided request modal shows, one step at a time.

The handler fills a `RequestForm` from the directory and the tools (what a person or
title offers, which accounts exist, the caps) and the user's earlier answers; the views
in `request_modal` only render it. `metadata` goes to the view's private_metadata:
a thread or draft id for the handler, nothing that grants anything.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

AccessLike = Literal["person", "job_title", "role", "custom"]
Step = Literal["like", "grants", "identities", "duration"]
STEPS: tuple[Step, ...] = ("like", "grants", "identities", "duration")


@dataclass(frozen=True)
class Choice:
    value: str
    label: str
    description: str = ""


@dataclass(frozen=True)
class AccountChoice:
    """The accounts a grant in one app could go to ("new" when one may be created)."""

    app_id: str
    app_name: str
    accounts: list[Choice]
    chosen: str | None = None


@dataclass(frozen=True)
class RequestForm:
    metadata: str = ""
    access_like: AccessLike = "person"
    reference: Choice | None = None
    references: list[Choice] = field(default_factory=list)  # few: a static list; none: search
    grants: list[Choice] = field(default_factory=list)  # what the reference offers
    chosen_grants: list[str] = field(default_factory=list)
    select_all: bool = False
    accounts: list[AccountChoice] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # e.g. an app with no account to use
    permanent_allowed: bool = True
    permanent: bool | None = None
    end_date: str | None = None  # YYYY-MM-DD, the last day of access
    cap_note: str = ""  # "GitHub · Admin allows at most 30 days"
    reasons: list[str] = field(default_factory=list)
    reason: str | None = None
    comment: str = ""
    error: str = ""  # what was wrong with the last submission of this step
