"""The webhook signature: HMAC-SHA256 over `<timestamp>.<body>` (docs/webhooks.md).

Signing the timestamp with the body lets a receiver refuse a replayed request (an old
timestamp) as well as a forged one; `v1=` names the scheme so it can change later.
"""

from __future__ import annotations

import hashlib
import hmac

TIMESTAMP_HEADER = "X-Access-Agent-Timestamp"
SIGNATURE_HEADER = "X-Access-Agent-Signature"
IDEMPOTENCY_HEADER = "Idempotency-Key"
SCHEME = "v1"


def signature(secret: bytes, timestamp: str, body: bytes) -> str:
    digest = hmac.new(secret, timestamp.encode("ascii") + b"." + body, hashlib.sha256)
    return f"{SCHEME}={digest.hexdigest()}"


def verify(secret: bytes, timestamp: str, body: bytes, given: str) -> bool:
    return hmac.compare_digest(signature(secret, timestamp, body), given)
