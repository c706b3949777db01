"""TEMPORARY STUB (branch conv-graph): helper C's tools/withdrawal.py replaces this at merge."""

from __future__ import annotations

from tools.base import ToolContext, ToolModel
from tools.proposal_models import Problem


class Withdrawable(ToolModel):
    request_ids: list[str]
    problem: Problem | None = None


def find_withdrawable(ctx: ToolContext, entitlements: list[str]) -> Withdrawable:
    return Withdrawable(request_ids=[])
