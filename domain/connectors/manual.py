"""The manual connector: a task for the app's owners, who mark it done or failed.

Granting answers PENDING, so the request waits in `fulfilling` until an owner closes
the task (`domain.usecases.fulfillment.complete_task`). Revoking answers DONE: the access
window is over the moment it expires, and the owners are told to remove the access;
the removal itself is recorded in the audit trail.
"""

from __future__ import annotations

from domain.model.requests import AccessRequest, RequestItem
from domain.ports import FulfillmentResult, Outcome


class ManualConnector:
    name = "manual"

    def grant(self, request: AccessRequest, item: RequestItem, *, key: str) -> FulfillmentResult:
        account = "a new account" if item.new_account else item.identity_id
        return FulfillmentResult(
            Outcome.PENDING, f"owners of {item.app_id}: grant {item.entitlement_id} to {account}"
        )

    def revoke(self, request: AccessRequest, item: RequestItem, *, key: str) -> FulfillmentResult:
        return FulfillmentResult(
            Outcome.DONE,
            f"owners of {item.app_id}: remove {item.entitlement_id} from {item.identity_id}",
        )
