"""Approver picks through the real store: kept with the submission, read back by any
process, and a retried submission adds nothing."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from domain.ports import FixedClock
from slack_app.bootstrap import Runtime, build_runtime
from slack_app.services.picks import APPROVER_PICK_REFUSED, APPROVER_PICKED, asked
from slack_app.services.requests import submit_proposal
from slack_app.settings import Settings
from tools.base import ToolContext
from tools.proposal import build_proposal
from tools.proposal_models import Proposal, ProposalInput

NOW = datetime(2026, 3, 4, 15, 0, tzinfo=UTC)
ALEX, RAJ = "alex.meyer@acme.test", "raj.patel@acme.test"


@pytest.fixture
def runtime(tmp_path: Path) -> Runtime:
    settings = Settings(database_url=f"sqlite:///{tmp_path / 'app.db'}", model="offline")
    return build_runtime(settings, clock=FixedClock(NOW))


def aws_dev_admin(runtime: Runtime) -> Proposal:
    """Manager (Dana) → AWS Development owners (Omar or Raj), in the demo org."""
    ctx = ToolContext(directory=runtime.directory(), requester_id=ALEX, now=NOW)
    ask = ProposalInput(entitlements=["aws dev admin"], duration="3 days", reason="Other")
    proposal = build_proposal(ctx, ask)
    assert [s.approvers for s in proposal.routes[0].steps] == [
        ["dana.kim@acme.test"],
        ["omar.haddad@acme.test", RAJ],
    ]
    return proposal


def pick_actions(runtime: Runtime, rid: str) -> list[str]:
    with runtime.uow() as uow:
        return [e.action for e in uow.audit.for_request(rid) if e.action.startswith("request.")]


def test_a_pick_is_kept_once_and_read_back(runtime: Runtime) -> None:
    proposal = aws_dev_admin(runtime)
    args = {"actor": ALEX, "reason": "Other", "key": "thread:1"}
    (made,) = submit_proposal(runtime, proposal, **args, picks={(0, 1): RAJ})
    assert asked(runtime, made.id) == {1: RAJ}
    again = submit_proposal(runtime, proposal, **args, picks={(0, 1): "omar.haddad@acme.test"})
    assert [r.id for r in again] == [made.id]
    assert asked(runtime, made.id) == {1: RAJ}  # the first click's pick stands
    assert pick_actions(runtime, made.id) == ["request.submitted", APPROVER_PICKED]


def test_a_forged_pick_is_audited_and_never_read_as_asked(runtime: Runtime) -> None:
    proposal = aws_dev_admin(runtime)
    (made,) = submit_proposal(
        runtime, proposal, actor=ALEX, reason="Other", key="k", picks={(0, 1): "ben@evil.test"}
    )
    assert asked(runtime, made.id) == {}
    assert pick_actions(runtime, made.id) == ["request.submitted", APPROVER_PICK_REFUSED]


def test_without_picks_nothing_is_added(runtime: Runtime) -> None:
    (made,) = submit_proposal(runtime, aws_dev_admin(runtime), actor=ALEX, reason="Other", key="k")
    assert pick_actions(runtime, made.id) == ["request.submitted"]
