"""TEMPORARY STUB (branch conv-graph): helper C's tools/extension.py replaces this at merge."""

from __future__ import annotations

from tools.base import ToolContext, ToolModel
from tools.proposal import build_proposal
from tools.proposal_models import Proposal, ProposalInput


class ExtensionInput(ToolModel):
    entitlements: list[str]
    duration: str | None
    beneficiary: str | None = None


def build_extension(ctx: ToolContext, inp: ExtensionInput) -> Proposal:
    return build_proposal(ctx, ProposalInput(entitlements=inp.entitlements, duration=inp.duration))
