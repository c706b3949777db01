"""The access-diff tool: what the beneficiary would gain with access like X."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from domain.errors import DomainError
from domain.model.access_like import access_like
from domain.model.requests import AccessLikeKind
from tools.base import Tool, ToolContext, ToolModel


class AccessDiffInput(ToolModel):
    beneficiary_id: str = Field(description="Person id of who would receive the access.")
    kind: Literal["person", "job_title", "role", "custom"] = Field(
        description="Access like a person, a job title, a role, or a custom list."
    )
    reference: str | None = Field(
        default=None,
        description="Resolved id: a person id, a job title, or a role id. Not for custom.",
    )
    entitlement_ids: list[str] = Field(
        default_factory=list, description="For custom only: the entitlement ids wanted."
    )


class Grant(ToolModel):
    entitlement_id: str
    label: str = Field(description='"App · Entitlement", for showing to a person.')
    app_id: str
    privileged: bool


class AccessDiffOutput(ToolModel):
    offered: list[Grant] = Field(description="Requestable and not yet held: what can be asked.")
    already_held: list[str] = Field(description="Entitlement ids the beneficiary already has.")
    not_requestable: list[str] = Field(description="Entitlement ids that are never offered.")
    error: str | None = Field(default=None, description="Why no diff could be made.")
    error_code: str | None = None


def grant(ctx: ToolContext, entitlement_id: str) -> Grant:
    d = ctx.directory
    ent = d.entitlement(entitlement_id)
    app = d.app_of.get(entitlement_id.casefold())
    assert ent is not None and app is not None, entitlement_id
    return Grant(
        entitlement_id=ent.id,
        label=f"{app.name} · {ent.name}",
        app_id=app.id,
        privileged=ent.privileged,
    )


def access_diff(ctx: ToolContext, inp: AccessDiffInput) -> AccessDiffOutput:
    """Compute the access a beneficiary would gain by asking for access like a person,
    a job title or a role (or a custom list): requestable entitlements only, minus what
    the beneficiary already holds. Call it after the reference is resolved to an id."""
    try:
        diff = access_like(
            ctx.directory,
            kind=AccessLikeKind(inp.kind),
            reference=inp.reference,
            beneficiary=inp.beneficiary_id,
            now=ctx.now,
            custom=tuple(inp.entitlement_ids),
        )
    except DomainError as exc:
        return AccessDiffOutput(
            offered=[],
            already_held=[],
            not_requestable=[],
            error=exc.message,
            error_code=exc.code,
        )
    return AccessDiffOutput(
        offered=[grant(ctx, e) for e in diff.entitlements],
        already_held=list(diff.already_held),
        not_requestable=list(diff.not_requestable),
    )


ACCESS_DIFF = Tool("access_diff", access_diff, AccessDiffInput, AccessDiffOutput)
