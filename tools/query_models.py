"""Read-only questions the bot answers from the store and the directory, never the model
(docs/specs/conversation.md §3)."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from tools.base import ToolModel

Query = Literal["my_access", "pending", "person_access", "who_approves"]


class QueryAnswer(ToolModel):
    text: str = Field(description="The answer as the bot says it (plain text, may be lines).")
    allowed: bool = Field(default=True, description="False: the asker may not see it.")
