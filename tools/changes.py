"""TEMPORARY STUB (branch conv-graph): helper A's tools/changes.py replaces this at merge.
Contract signature only; it applies nothing."""

from __future__ import annotations

from tools.base import ToolContext, ToolModel
from tools.change_models import Change
from tools.proposal_models import Proposal


class ChangeResult(ToolModel):
    proposal: Proposal
    said: str
    not_understood: list[str]


def apply_changes(ctx: ToolContext, proposal: Proposal, changes: list[Change]) -> ChangeResult:
    return ChangeResult(proposal=proposal, said="", not_understood=["(stub) not applied"])
