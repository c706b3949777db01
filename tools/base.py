"""What every tool shares: the context it reads and the registry entry the model sees.

A tool is a plain function `fn(ctx, inp) -> out` with pydantic models for `inp` and
`out`. Its docstring and field descriptions are product text: the model reads them.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Generic, TypeVar

from pydantic import BaseModel, ConfigDict, Field

from domain.model.directory import Directory


class PendingLookup:
    """Which (beneficiary, entitlement) pairs already have an open request.

    The default knows of none; the store supplies a real one so a proposal can warn
    "already pending" before anything is submitted.
    """

    def pending_for(self, beneficiary_id: str) -> set[str]:
        return set()


@dataclass(frozen=True)
class ToolContext:
    directory: Directory
    requester_id: str
    now: datetime
    pending: PendingLookup = field(default_factory=PendingLookup)


class ToolModel(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Candidate(ToolModel):
    """One possible match for a name the user typed, best first."""

    id: str = Field(description="The canonical id to use in later tool calls.")
    label: str = Field(description="How to show it to a person.")
    score: float = Field(description="0-100; 100 is an exact match on id, name or alias.")
    detail: str = Field(default="", description="Extra context: title, app, status.")


InT = TypeVar("InT", bound=BaseModel)
OutT = TypeVar("OutT", bound=BaseModel)


@dataclass(frozen=True)
class Tool(Generic[InT, OutT]):
    name: str
    fn: Callable[[ToolContext, InT], OutT]
    input_model: type[InT]
    output_model: type[OutT]

    @property
    def description(self) -> str:
        return inspect.cleandoc(self.fn.__doc__ or "")

    def json_schema(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "description": self.description,
            "parameters": self.input_model.model_json_schema(),
        }

    def __call__(self, ctx: ToolContext, inp: InT) -> OutT:
        return self.fn(ctx, inp)


def schemas(tools: Iterable[Tool[Any, Any]]) -> list[dict[str, Any]]:
    return [t.json_schema() for t in tools]
