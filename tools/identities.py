"""The identity tool: which account of the beneficiary each grant would land on."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from domain.model.identities import IdentityChoice, choose_identity
from tools.base import Tool, ToolContext, ToolModel


class IdentitiesInput(ToolModel):
    beneficiary_id: str = Field(description="Person id of who would receive the access.")
    entitlement_ids: list[str] = Field(description="Entitlement ids to place.")
    hints: list[str] = Field(
        default_factory=list,
        description='Account names the user mentioned, e.g. "alex-admin"; used to pick.',
    )


class Placement(ToolModel):
    entitlement_id: str
    status: Literal["chosen", "choose", "new", "unavailable"] = Field(
        description="chosen: one account; choose: the user must pick one of `options`; "
        "new: an account will be created; unavailable: no account and none can be created."
    )
    identity_id: str | None = Field(default=None, description='"app:username", or "new".')
    options: list[str] = Field(default_factory=list, description="Identity ids to pick from.")
    message: str = ""


class IdentitiesOutput(ToolModel):
    placements: list[Placement]


def _placement(choice: IdentityChoice) -> Placement:
    return Placement(
        entitlement_id=choice.entitlement_id,
        status=choice.status,
        identity_id=choice.identity_id,
        options=list(choice.options),
        message=choice.message,
    )


def identities(ctx: ToolContext, inp: IdentitiesInput) -> IdentitiesOutput:
    """For each entitlement, find the beneficiary's account in its application: one
    account is chosen; several must be picked by the user (unless a hint names one);
    none means a new account where the app can create one, otherwise it cannot be
    requested here."""
    return IdentitiesOutput(
        placements=[
            _placement(
                choose_identity(ctx.directory, inp.beneficiary_id, e, hints=tuple(inp.hints))
            )
            for e in inp.entitlement_ids
        ]
    )


IDENTITIES = Tool("identities_for", identities, IdentitiesInput, IdentitiesOutput)
