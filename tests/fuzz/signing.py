"""The headers that sign a fuzzed body for /slack/events, or fail to: missing, another
secret, a stale or garbage timestamp, a body changed after signing, a garbage signature."""

from __future__ import annotations

import hashlib
import hmac
import time

from hypothesis import strategies as st

from tests.fuzz.slack_payloads import Body


def sign(body: bytes, timestamp: bytes, secret: str) -> bytes:
    base = b"v0:" + timestamp + b":" + body
    return b"v0=" + hmac.new(secret.encode(), base, hashlib.sha256).hexdigest().encode()


def signed(body: Body, secret: str) -> tuple[dict[bytes, bytes], bytes]:
    ts = str(int(time.time())).encode()
    headers = {b"content-type": body.content_type.encode(), b"x-slack-request-timestamp": ts}
    return {**headers, b"x-slack-signature": sign(body.content, ts, secret)}, body.content


header_text = st.text(st.characters(min_codepoint=0x21, max_codepoint=0xFF), max_size=24)


@st.composite
def unsigned(draw: st.DrawFn, body: Body, secret: str) -> tuple[dict[bytes, bytes], bytes]:
    """Headers and content that are not a fresh request signed with `secret`."""
    now = int(time.time())
    content = body.content
    how = draw(st.sampled_from(["none", "secret", "stale", "timestamp", "tampered", "signature"]))
    ts = str(now).encode()
    if how == "stale":
        ts = str(now + draw(st.sampled_from([-1, 1])) * draw(st.integers(301, 10**9))).encode()
    elif how == "timestamp":
        ts = draw(header_text).encode("latin-1")
    key = "not-" + secret if how == "secret" else secret
    signature = sign(content, ts, key)
    if how == "tampered":
        content = draw(
            st.binary(max_size=20).filter(lambda b: b != content) | st.just(content + b" ")
        )
    elif how == "signature":
        signature = draw(header_text).encode("latin-1")
    headers = {b"content-type": body.content_type.encode()}
    if how != "none":
        headers |= {b"x-slack-request-timestamp": ts, b"x-slack-signature": signature}
    return headers, content
