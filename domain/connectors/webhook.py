"""The webhook connector: one signed JSON POST per grant and per revoke.

Teams that provision with their own scripts receive what to do, signed with a secret
only they and we know (docs/webhooks.md). 2xx is done; any other 4xx is a refusal that
retrying would not change (failed, with the receiver's words), while 408, 429, 5xx and
network errors are transient: the same call is made again later with the same
`Idempotency-Key`, which lets the receiver drop a repeat.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

import httpx2

from domain.connectors.accounts import OrgLookup, account_for, target_for
from domain.connectors.signing import (
    IDEMPOTENCY_HEADER,
    SIGNATURE_HEADER,
    TIMESTAMP_HEADER,
    signature,
)
from domain.model.requests import AccessRequest, RequestItem
from domain.ports import Clock, FulfillmentResult, Outcome, TransientConnectorError

_RETRYABLE = frozenset({408, 425, 429})
_QUOTE = 300  # characters of a receiver's answer kept in the item's note and the audit
_ANSWER = 4096  # characters of a 2xx answer read for a new account's name


@dataclass
class WebhookConnector:
    url: str
    secret: bytes
    org: OrgLookup
    clock: Clock
    client: httpx2.Client
    name: str = "webhook"

    def grant(self, request: AccessRequest, item: RequestItem, *, key: str) -> FulfillmentResult:
        return self._post("grant", request, item, key)

    def revoke(self, request: AccessRequest, item: RequestItem, *, key: str) -> FulfillmentResult:
        return self._post("revoke", request, item, key)

    def close(self) -> None:
        self.client.close()

    def _post(
        self, action: str, request: AccessRequest, item: RequestItem, key: str
    ) -> FulfillmentResult:
        body = self.body(action, request, item, key)
        timestamp = str(int(self.clock.now().timestamp()))
        headers = {
            "Content-Type": "application/json",
            TIMESTAMP_HEADER: timestamp,
            SIGNATURE_HEADER: signature(self.secret, timestamp, body),
            IDEMPOTENCY_HEADER: key,
        }
        try:
            response = self.client.post(self.url, content=body, headers=headers)
        except httpx2.HTTPError as exc:
            raise TransientConnectorError(f"webhook {self.url}: {exc}") from exc
        status, text = response.status_code, response.text[:_QUOTE]
        if status >= 500 or status in _RETRYABLE:
            raise TransientConnectorError(f"webhook {self.url} answered {status}: {text}")
        if not 200 <= status < 300:
            return FulfillmentResult(Outcome.FAILED, f"webhook refused ({status}): {text}")
        if action == "revoke":
            return FulfillmentResult(Outcome.DONE, f"webhook {status}")
        account = account_for(self.org, request, item)
        username = _username(response.text[:_ANSWER]) if account.new else None
        identity = f"{account.app_id}:{username}" if username else account.identity_id
        return FulfillmentResult(Outcome.DONE, f"webhook {status}", identity)

    def body(self, action: str, request: AccessRequest, item: RequestItem, key: str) -> bytes:
        """The JSON document docs/webhooks.md describes, as sent (and signed)."""
        account = account_for(self.org, request, item)
        document = {
            "id": key,
            "action": action,
            "app": item.app_id,
            "entitlement": item.entitlement_id,
            "target": target_for(self.org, item),
            "account": {"username": account.username, "new": account.new},
            "person": {"id": account.person_id, "name": account.person_name},
            "request": {
                "id": request.id,
                "requester": request.requester,
                "reason": request.reason,
                "end": request.end.isoformat() if request.end else None,
            },
        }
        return json.dumps(document, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def _username(text: str) -> str | None:
    """A receiver that created the account under another name says so: {"username": ...}."""
    try:
        answer = json.loads(text) if text.lstrip().startswith("{") else None
    except ValueError:
        return None
    name = answer.get("username") if isinstance(answer, dict) else None
    return name if isinstance(name, str) and name.strip() else None
