"""Reading an endpoint's reply into an `Ask`: bounded in size, checked, refusals apart.

An invalid reply (not JSON, not an `Ask`, over a bound) is a failed attempt worth
another try: the model may answer well next time. A refusal (`message.refusal`) is the
model's considered answer: it is read, not retried, and the user hears that the model
declined rather than that it is unreachable.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping

from openai.types.chat import ChatCompletion
from pydantic import ValidationError

from agent.ask import Ask
from agent.models.reply_bounds import read_reply


class InvalidReply(Exception):
    """The model answered, but not with a valid `Ask`: a failed attempt like any other."""


class ModelDeclined(Exception):
    """The model refused to answer (`message.refusal`): asking again will not change it."""


def read_bounded(headers: Mapping[str, str], chunks: Iterator[bytes], limit: int) -> bytes:
    """The reply's body, read only up to `limit` bytes: `max_tokens` bounds what a
    well-behaved endpoint writes, this what we read from one that is not, so a 5 MB
    reply costs at most `limit` bytes of memory and no parsing."""
    length = headers.get("content-length", "")
    if length.isdigit() and int(length) > limit:
        raise InvalidReply(f"reply of {length} bytes, more than {limit}")
    body = bytearray()
    for chunk in chunks:
        body += chunk
        if len(body) > limit:
            raise InvalidReply(f"reply larger than {limit} bytes")
    return bytes(body)


def read_completion(body: bytes) -> ChatCompletion:
    try:
        return ChatCompletion.model_validate_json(body)
    except ValidationError as error:
        raise InvalidReply("reply is not a chat completion") from error


def ask_of(completion: ChatCompletion) -> Ask:
    message = completion.choices[0].message if completion.choices else None
    if message is not None and message.refusal:
        raise ModelDeclined(message.refusal[:200])
    try:
        return read_reply((message.content if message else None) or "")
    except ValidationError as error:
        raise InvalidReply(f"reply is not a valid Ask: {error.error_count()} error(s)") from error
