"""Bounds on an endpoint's reply: every string and list field of `Ask`, checked on what
the model sends (a model that exceeds one gave an invalid reply).

A name is a few words, free text at most one message, a list at most what a message
names. They bound the model's reply, not `Ask` itself: the offline model reads up to
Slack's 40,000 characters and may legitimately fill longer lists from them. Built from
`Ask`'s fields, so a field added there is bounded here without a second list to keep.
"""

from __future__ import annotations

from typing import Annotated, Any, get_args, get_origin

from pydantic import BaseModel, Field, create_model
from pydantic.fields import FieldInfo

from agent.ask import Ask
from agent.bounds import MAX_MESSAGE_CHARS

NAME_CHARS = 200
TEXT_CHARS = MAX_MESSAGE_CHARS  # free text "as written" (reason, justification)
MAX_ITEMS = 50
FREE_TEXT = frozenset({"reason", "justification"})
Name = Annotated[str, Field(max_length=NAME_CHARS)]


def _bounded(name: str, info: FieldInfo) -> tuple[Any, FieldInfo]:
    annotation = info.annotation
    args = get_args(annotation)
    if get_origin(annotation) is list:
        item = Name if args == (str,) else args[0]
        return Annotated[list[item], Field(max_length=MAX_ITEMS)], info  # type: ignore[valid-type]
    if str in args or annotation is str:
        limit = TEXT_CHARS if name in FREE_TEXT else NAME_CHARS
        return Annotated[annotation, Field(max_length=limit)], info
    return annotation, info


BoundedAsk: type[BaseModel] = create_model(  # type: ignore[call-overload]
    "BoundedAsk",
    __base__=Ask,
    **{name: _bounded(name, info) for name, info in Ask.model_fields.items()},
)


def read_reply(content: str) -> Ask:
    """The reply as an `Ask`; raises pydantic's ValidationError when it is not one or
    exceeds a bound."""
    return Ask.model_validate(BoundedAsk.model_validate_json(content).model_dump())
