"""What every request to the Slack URL passes before anything else reads it: a bounded
body, then Slack's signature.

Both run on what a stranger sends, with no secret: they must be total. A size over
the limit is refused from Content-Length without reading a byte, and a body streamed
without one stops being read as soon as it passes the limit. The signature is checked
over the raw bytes (a body that is not UTF-8 is simply not Slack's), and a timestamp
that is not a plain number of seconds is a refusal, not a `ValueError`.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Mapping

from starlette.requests import Request

WINDOW = 5 * 60  # seconds a signed request stays valid (Slack's advice)
MAX_DIGITS = 18  # more digits than any length or Unix time: refused before int()


class TooLarge(Exception):
    """The body is over the limit; it was not read (or not past the limit)."""


def whole_number(text: str) -> int | None:
    """`text` as a non-negative int when it is only ASCII digits (no sign, no
    underscores, no exponent, no other script's digits, not absurdly long), else None."""
    if not (text.isascii() and text.isdigit()) or len(text) > MAX_DIGITS:
        return None
    return int(text)


async def read_body(request: Request, limit: int) -> bytes:
    """The body, at most `limit` bytes of it; TooLarge when there is more."""
    declared = request.headers.get("content-length")
    length = whole_number(declared) if declared is not None else None
    if declared is not None and (length is None or length > limit):
        raise TooLarge(f"Content-Length {declared[: MAX_DIGITS + 2]!r} is over {limit} bytes")
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise TooLarge(f"more than {limit} bytes sent")
        chunks.append(chunk)
    return b"".join(chunks)


def refusal(secret: str, body: bytes, headers: Mapping[str, str], *, now: float) -> str | None:
    """Why this is not a fresh request signed by Slack, or None when it is."""
    timestamp = headers.get("x-slack-request-timestamp") or ""
    signature = headers.get("x-slack-signature") or ""
    seconds = whole_number(timestamp)
    if not secret:
        return "no signing secret is configured"
    if seconds is None:
        return "the timestamp is missing or not a whole number of seconds"
    if abs(now - seconds) > WINDOW:
        return "the timestamp is more than 5 minutes away"
    base = b"v0:" + timestamp.encode() + b":" + body
    expected = "v0=" + hmac.new(secret.encode(), base, hashlib.sha256).hexdigest()
    if not hmac.compare_digest(expected.encode(), signature.encode("utf-8", "surrogatepass")):
        return "the signature does not match"
    return None
