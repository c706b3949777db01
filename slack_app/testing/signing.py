"""Signing a request body the way Slack does, with the secret tests and benchmarks use."""

from __future__ import annotations

import hashlib
import hmac

SECRET = "test-signing-secret"


def sign(body: str, timestamp: int, secret: str = SECRET) -> str:
    base = f"v0:{timestamp}:{body}".encode()
    return "v0=" + hmac.new(secret.encode(), base, hashlib.sha256).hexdigest()
