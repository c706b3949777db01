"""The proposal: everything the confirmation card shows, and what still needs the user."""

from __future__ import annotations

import hashlib
import json
from typing import Literal

from pydantic import Field

from domain.model.requests import AccessLikeKind
from tools.approvers import Step
from tools.base import Candidate, ToolModel
from tools.duration import DurationOutput

Slot = Literal[
    "beneficiary",
    "kind",
    "access_like",
    "reference",
    "entitlements",
    "identity",
    "duration",
    "apps",
    "request",
]
AccessLike = AccessLikeKind  # one definition of access-like: the domain's


class ProposalInput(ToolModel):
    """The ask as words, plus any choices the user already made by id."""

    kind: Literal["grant", "revoke"] = "grant"
    beneficiary: str | None = Field(
        default=None, description='Who gets it, as written; null or "me" = the requester.'
    )
    access_like: AccessLike | None = Field(default=None, description="How the access is named.")
    reference: str | None = Field(
        default=None, description="The person, job title or role, as written or as an id."
    )
    entitlements: list[str] = Field(
        default_factory=list, description="Apps/entitlements as written, or entitlement ids."
    )
    select_all: bool = Field(default=False, description="All offered grants are wanted.")
    identities: dict[str, str] = Field(
        default_factory=dict, description="Entitlement id -> identity id the user picked."
    )
    identity_hints: list[str] = Field(default_factory=list, description="Account names given.")
    duration: str | None = Field(default=None, description="Duration words as written.")
    reason: str | None = Field(default=None, description="The reason as written.")
    justification: str | None = Field(
        default=None, description="The requester's own justification, as typed."
    )
    apps: list[str] = Field(
        default_factory=list,
        description="App ids picked to narrow a large access-like diff (the choose_apps answer).",
    )


class PersonRef(ToolModel):
    id: str
    name: str
    title: str | None = None


class AccessLikeRef(ToolModel):
    kind: AccessLike
    ref: str | None = Field(default=None, description="Person id, job title or role id.")
    label: str = ""


class ProposedItem(ToolModel):
    entitlement_id: str
    label: str
    app_id: str
    app_name: str
    privileged: bool = False
    identity_id: str = Field(description='"app:username", or "new" for a new account.')
    identity_label: str = ""
    end: str | None = Field(
        default=None, description="When this item ends (ISO-8601, UTC); None = permanent."
    )
    end_date: str | None = Field(
        default=None, description="This item's last day (YYYY-MM-DD, org's time zone)."
    )
    capped_by: str | None = Field(
        default=None,
        description="The cap that shortened this item's end below the card's, when one did: "
        '"AWS Production allows at most 14 days".',
    )


class LeftOut(ToolModel):
    entitlement_id: str
    label: str
    why: str


class RouteGroup(ToolModel):
    entitlement_ids: list[str]
    steps: list[Step]


class Problem(ToolModel):
    slot: Slot | None = Field(default=None, description="What the user must answer.")
    code: str
    message: str
    choices: list[Candidate] = Field(default_factory=list)
    multiple: bool = Field(default=False, description="Several choices may be picked.")


class Proposal(ToolModel):
    status: Literal["ready", "needs_input", "refused"]
    kind: Literal["grant", "revoke", "extend"] = "grant"
    requester: PersonRef
    beneficiary: PersonRef | None = None
    access_like: AccessLikeRef | None = None
    offered: list[Candidate] = Field(
        default_factory=list, description="What the access-like reference offers, in order."
    )
    items: list[ProposedItem] = Field(default_factory=list)
    left_out: list[LeftOut] = Field(default_factory=list)
    duration: DurationOutput | None = Field(default=None, description="None for a revoke.")
    reason: str | None = Field(default=None, description="One of the org's reasons, or null.")
    reason_text: str | None = Field(
        default=None, description="The requester's justification as typed (or reason words)."
    )
    routes: list[RouteGroup] = Field(default_factory=list)
    warnings: list[str] = Field(default_factory=list)
    problems: list[Problem] = Field(default_factory=list)
    refusal: Problem | None = None

    def fingerprint(self) -> str:
        """A short digest of everything the card shows: a card carries the one it was
        drawn from, so Submit on an older card (its proposal since edited) is refused
        by any replica, with no memory of which card is the latest."""
        body = json.dumps(self.model_dump(mode="json"), sort_keys=True)
        return hashlib.sha256(body.encode()).hexdigest()[:16]
