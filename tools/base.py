"""What every tool shares: the context it reads and the base of its models.

A tool is a plain typed function `fn(ctx, inp) -> out` with pydantic models for `inp`
and `out`; the agent and slack_app call it directly. The model never sees a tool or
its schema: it fills an `Ask` (agent/ask.py), and code calls the tools.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field

from domain.model.directory import Directory
from domain.model.requests import AccessRequest


class PendingLookup:
    """Which (beneficiary, entitlement) pairs already have an open request.

    The default knows of none; the store supplies a real one so a proposal can warn
    "already pending" before anything is submitted.
    """

    def pending_for(self, beneficiary_id: str) -> set[str]:
        return set()


class RequestLookup:
    """Requests in the store, for read-only answers ("what's pending?") and for
    withdrawing or extending. The default knows of none; the store supplies a real one."""

    def open_involving(self, person_id: str) -> list[AccessRequest]:
        """Open requests the person made or is the beneficiary of, oldest first."""
        return []

    def get(self, request_id: str) -> AccessRequest | None:
        return None


@dataclass(frozen=True)
class ToolContext:
    directory: Directory
    requester_id: str
    now: datetime
    pending: PendingLookup = field(default_factory=PendingLookup)
    requests: RequestLookup = field(default_factory=RequestLookup)


class ToolModel(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Candidate(ToolModel):
    """One possible match for a name the user typed, best first."""

    id: str = Field(description="The canonical id to use in later tool calls.")
    label: str = Field(description="How to show it to a person.")
    score: float = Field(description="0-100; 100 is an exact match on id, name or alias.")
    detail: str = Field(default="", description="Extra context: title, app, status.")
