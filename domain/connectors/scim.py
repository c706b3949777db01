"""The SCIM 2.0 connector (RFC 7643/7644, through scim2-client): group membership.

Grant = PATCH the entitlement's group (`target:` = the SCIM group id) to add the user,
revoke = PATCH it to remove them; a new account is a User created first, with the
person's id as `externalId`, so a retry that finds the name taken by the same person
goes on with that user. Adding a member twice or removing one who is not there are
no-ops in SCIM, so a repeated call with the same key is harmless.
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, TypeVar

import httpx2
from pydantic import ValidationError
from scim2_client import RequestNetworkException, SCIMClientException
from scim2_client.engines.httpx2 import SyncSCIMClient
from scim2_models import (
    Email,
    Group,
    ListResponse,
    Name,
    PatchOp,
    PatchOperation,
    SCIMException,
    SearchRequest,
    UniquenessException,
    User,
)

from domain.connectors.accounts import Account, OrgLookup, account_for, target_for
from domain.model.requests import AccessRequest, RequestItem
from domain.ports import FulfillmentResult, Outcome, TransientConnectorError

T = TypeVar("T")


class _Refused(Exception):
    """The server said no in a way retrying will not change."""


@dataclass
class ScimConnector:
    http: httpx2.Client  # base_url = the SCIM root (…/v2), bearer token in its headers
    org: OrgLookup
    name: str = "scim"
    _client: SyncSCIMClient | None = field(default=None, repr=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def grant(self, request: AccessRequest, item: RequestItem, *, key: str) -> FulfillmentResult:
        account = account_for(self.org, request, item)
        group = target_for(self.org, item)

        def add() -> FulfillmentResult:
            user_id = self._create(account) if account.new else self._find(account)
            if user_id is None:
                raise _Refused(f"no SCIM user named {account.username}")
            self._patch(
                group, PatchOperation[Group](op="add", path="members", value=[{"value": user_id}])
            )
            return FulfillmentResult(
                Outcome.DONE, f"added to SCIM group {group}", account.identity_id
            )

        return _call(add)

    def revoke(self, request: AccessRequest, item: RequestItem, *, key: str) -> FulfillmentResult:
        account = account_for(self.org, request, item)
        group = target_for(self.org, item)

        def remove() -> FulfillmentResult:
            user_id = self._find(account)
            if user_id is None:  # no such user: they hold nothing there any more
                return FulfillmentResult(Outcome.DONE, f"no SCIM user named {account.username}")
            path = f'members[value eq "{_quoted(user_id)}"]'
            self._patch(group, PatchOperation[Group](op="remove", path=path))
            return FulfillmentResult(Outcome.DONE, f"removed from SCIM group {group}")

        return _call(remove)

    def close(self) -> None:
        self.http.close()

    def _scim(self) -> SyncSCIMClient:
        """Connected lazily: discovery asks the server which resources it serves."""
        with self._lock:
            if self._client is None:
                client = SyncSCIMClient(self.http)
                client.discover()
                self._client = client
            return self._client

    def _patch(self, group_id: str, operation: PatchOperation[Group]) -> None:
        self._scim().modify(Group, group_id, PatchOp[Group](operations=[operation]))

    def _find(self, account: Account) -> str | None:
        users = self._named(account.username)
        return str(users[0].id) if users else None

    def _named(self, username: str) -> list[Any]:
        query: SearchRequest[Any] = SearchRequest(filter=f'userName eq "{_quoted(username)}"')
        found = self._scim().query(User, query_parameters=query)
        return list(found.resources or []) if isinstance(found, ListResponse) else []

    def _create(self, account: Account) -> str:
        try:
            created = self._scim().create(_new_user(account))
        except UniquenessException:
            return self._taken(account)
        return str(created.id)  # type: ignore[union-attr]

    def _taken(self, account: Account) -> str:
        """The name exists: ours from an earlier try (same externalId), or someone else's."""
        users = self._named(account.username)
        if users and users[0].external_id == account.person_id:
            return str(users[0].id)
        raise _Refused(f"SCIM user name {account.username} is taken by another account")


def _new_user(account: Account) -> User[Any]:
    names = account.person_name.split()
    user: User[Any] = User(
        user_name=account.username,
        external_id=account.person_id,
        display_name=account.person_name,
        name=Name(
            formatted=account.person_name,
            given_name=names[0] if names else None,
            family_name=account.family_name,
        ),
        active=True,
    )
    # reserved domains (.test, .example) are not addresses to pydantic's validator
    with contextlib.suppress(ValidationError):
        user.emails = [Email(value=account.person_id, primary=True)]
    return user


def _quoted(value: str) -> str:
    """A string inside a SCIM filter's double quotes (RFC 7644 §3.4.2.2: JSON escapes)."""
    return value.replace("\\", "\\\\").replace('"', '\\"')


def _call(action: Callable[[], FulfillmentResult]) -> FulfillmentResult:
    """Run one SCIM exchange: network, 429 and 5xx are transient, other errors final."""
    try:
        return action()
    except _Refused as exc:
        return FulfillmentResult(Outcome.FAILED, str(exc))
    except RequestNetworkException as exc:
        raise TransientConnectorError(f"SCIM server unreachable: {exc}") from exc
    except (SCIMException, SCIMClientException) as exc:
        status = _status(exc)
        if status is not None and (status >= 500 or status == 429):
            raise TransientConnectorError(f"SCIM server answered {status}: {exc}") from exc
        return FulfillmentResult(Outcome.FAILED, f"SCIM refused ({status or '?'}): {exc}")


def _status(exc: Exception) -> int | None:
    source = getattr(exc, "source", None)
    code = getattr(source, "status_code", None)
    if isinstance(code, int):
        return code
    return exc.status if isinstance(exc, SCIMException) else None
