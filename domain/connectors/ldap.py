"""The LDAP connector (ldap3): group membership of the account's entry.

Grant = add the identity's DN, `uid=<username>,<people_base>`, to the entitlement's
group (`target:` = the group's DN), revoke = remove it; with `member_attribute:
memberUid` (posixGroup) the value is the bare username. A new account is an
inetOrgPerson entry created under `people_base` first. LDAP answers "already a member"
(attributeOrValueExists) and "not a member" (noSuchAttribute) to repeats, and both are
done here, so a repeated call with the same key is harmless.
"""

from __future__ import annotations

import contextlib
import math
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from ldap3 import BASE, MODIFY_ADD, MODIFY_DELETE, Connection, Server
from ldap3.core.exceptions import LDAPCommunicationError, LDAPException
from ldap3.utils.dn import escape_rdn

from domain.connectors.accounts import Account, OrgLookup, account_for, target_for
from domain.model.requests import AccessRequest, RequestItem
from domain.ports import FulfillmentResult, Outcome, TransientConnectorError

SUCCESS, NO_SUCH_ATTRIBUTE, ATTRIBUTE_EXISTS, NO_SUCH_OBJECT = 0, 16, 20, 32
ALREADY_EXISTS = 68
_RETRYABLE = frozenset({51, 52, 80})  # busy, unavailable, other (e.g. server shutting down)


@dataclass(frozen=True)
class LdapSettings:
    url: str
    people_base: str
    bind_dn: str | None = None
    password: str | None = None
    member_attribute: str = "member"
    timeout: float = 10.0


@dataclass
class LdapConnector:
    settings: LdapSettings
    org: OrgLookup
    name: str = "ldap"
    _conn: Connection | None = field(default=None, repr=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def grant(self, request: AccessRequest, item: RequestItem, *, key: str) -> FulfillmentResult:
        account = account_for(self.org, request, item)
        group = target_for(self.org, item)

        def add() -> FulfillmentResult:
            if account.new:
                self._create(account)
            elif not self._exists(self.dn(account)):
                raise _Refused(f"no LDAP entry {self.dn(account)}")
            self._modify(group, MODIFY_ADD, account, ok=ATTRIBUTE_EXISTS)
            return FulfillmentResult(Outcome.DONE, f"added to {group}", account.identity_id)

        return self._locked(add)

    def revoke(self, request: AccessRequest, item: RequestItem, *, key: str) -> FulfillmentResult:
        account = account_for(self.org, request, item)
        group = target_for(self.org, item)

        def remove() -> FulfillmentResult:
            self._modify(group, MODIFY_DELETE, account, ok=NO_SUCH_ATTRIBUTE)
            return FulfillmentResult(Outcome.DONE, f"removed from {group}")

        return self._locked(remove)

    def dn(self, account: Account) -> str:
        return f"uid={escape_rdn(account.username)},{self.settings.people_base}"

    def close(self) -> None:
        with self._lock:
            if self._conn is not None:
                self._conn.unbind()
                self._conn = None

    def _locked(self, action: Callable[[], FulfillmentResult]) -> FulfillmentResult:
        with self._lock:
            try:
                return action()
            except _Refused as exc:
                return FulfillmentResult(Outcome.FAILED, str(exc))

    # --- one operation each, all under the lock (an ldap3 SYNC connection is not shared) --
    def _modify(self, group: str, how: str, account: Account, *, ok: int) -> None:
        attribute = self.settings.member_attribute
        value = account.username if attribute == "memberUid" else self.dn(account)
        conn = self._connection()
        self._check(lambda: conn.modify(group, {attribute: [(how, [value])]}), group, ok)

    def _exists(self, dn: str) -> bool:
        conn = self._connection()
        found = self._run(lambda: conn.search(dn, "(objectClass=*)", BASE, attributes=[]))
        if conn.result["result"] not in (SUCCESS, NO_SUCH_OBJECT):
            raise _failure(conn.result, dn)
        return bool(found)

    def _create(self, account: Account) -> None:
        dn, conn = self.dn(account), self._connection()
        attributes = {
            "uid": account.username,
            "cn": account.person_name,
            "sn": account.family_name,
            "displayName": account.person_name,
            "mail": account.person_id,
        }
        self._run(lambda: conn.add(dn, ["inetOrgPerson"], attributes))
        if conn.result["result"] == ALREADY_EXISTS:
            self._check_owner(dn, account)
        elif conn.result["result"] != SUCCESS:
            raise _failure(conn.result, dn)

    def _check_owner(self, dn: str, account: Account) -> None:
        """The entry exists: ours from an earlier try (same mail), or someone else's."""
        conn = self._connection()
        self._run(lambda: conn.search(dn, "(objectClass=*)", BASE, attributes=["mail"]))
        mails = [str(m).casefold() for m in (conn.entries[0].mail.values if conn.entries else [])]
        if account.person_id.casefold() not in mails:
            raise _Refused(f"{dn} exists already and is not {account.person_id}'s")

    def _check(self, operation: Callable[[], Any], dn: str, ok: int) -> None:
        self._run(operation)
        result = self._connection().result
        if result["result"] not in (SUCCESS, ok):
            raise _failure(result, dn)

    def _run(self, operation: Callable[[], Any]) -> Any:
        try:
            return operation()
        except LDAPCommunicationError as exc:
            self._drop()
            raise TransientConnectorError(f"LDAP {self.settings.url}: {exc}") from exc

    def _connection(self) -> Connection:
        if self._conn is None or self._conn.closed:
            server = Server(self.settings.url, connect_timeout=self.settings.timeout)
            conn = Connection(
                server,
                user=self.settings.bind_dn,
                password=self.settings.password,
                receive_timeout=math.ceil(self.settings.timeout),  # ldap3 packs it as an int
            )
            try:
                bound = conn.bind()
            except LDAPCommunicationError as exc:
                raise TransientConnectorError(f"LDAP {self.settings.url}: {exc}") from exc
            if not bound:
                raise _failure(conn.result, self.settings.bind_dn or "(anonymous bind)")
            self._conn = conn
        return self._conn

    def _drop(self) -> None:
        if self._conn is not None:
            with contextlib.suppress(LDAPException):
                self._conn.unbind()
            self._conn = None


class _Refused(Exception):
    pass


def _failure(result: dict[str, Any], dn: str) -> Exception:
    code, text = result.get("result"), result.get("description", "")
    message = result.get("message") or ""
    detail = f"LDAP {text} ({code}) on {dn}" + (f": {message}" if message else "")
    if code in _RETRYABLE:
        return TransientConnectorError(detail)
    return _Refused(detail)
