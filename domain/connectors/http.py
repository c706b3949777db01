"""The HTTP client the webhook and SCIM connectors share the settings of."""

from __future__ import annotations

import httpx2

USER_AGENT = "access-agent"


def http_client(*, timeout: float, base_url: str = "", token: str | None = None) -> httpx2.Client:
    headers = {"User-Agent": USER_AGENT}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    return httpx2.Client(base_url=base_url, headers=headers, timeout=timeout)
