"""Connectors built from the org data: one per app with `connector:` settings.

Secrets come only from the environment variables the org file names. One that is
unset is no reason to refuse to start (the other apps work): that app gets a connector
that fails every call with a message saying which variable is missing, which the
fulfilment records and audits, rather than quietly handing the grant to a person.
An app of kind ldap, scim or webhook without `connector:` (files written before
connectors existed) keeps being fulfilled by hand. `issues` lists both for `doctor`.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from domain.connectors.accounts import OrgLookup
from domain.connectors.manual import ManualConnector
from domain.ids import key
from domain.model.directory import Directory
from domain.model.org import Application, ConnectorSettings, Entitlement, Fulfillment, Person
from domain.model.requests import AccessRequest, RequestItem
from domain.ports import Clock, Connector, FulfillmentResult, Outcome, SystemClock


@dataclass(frozen=True)
class ConnectorIssue:
    app_id: str
    message: str
    blocking: bool  # True: fulfilment for the app fails until it is fixed


@dataclass
class ConnectorRegistry:
    """Connector per app id; apps without an entry are fulfilled by hand (manual)."""

    by_app: dict[str, Connector] = field(default_factory=dict)
    default: Connector = field(default_factory=ManualConnector)
    issues: list[ConnectorIssue] = field(default_factory=list)

    def for_app(self, app_id: str) -> Connector:
        return self.by_app.get(app_id.casefold(), self.default)

    def close(self) -> None:
        for connector in self.by_app.values():
            close = getattr(connector, "close", None)
            if callable(close):
                close()


@dataclass
class UnconfiguredConnector:
    """Stands for a connector that could not be built: every call fails, saying why."""

    name: str
    reason: str

    def grant(self, request: AccessRequest, item: RequestItem, *, key: str) -> FulfillmentResult:
        return FulfillmentResult(Outcome.FAILED, self.reason)

    def revoke(self, request: AccessRequest, item: RequestItem, *, key: str) -> FulfillmentResult:
        return FulfillmentResult(Outcome.FAILED, self.reason)


def missing_env(settings: ConnectorSettings, environ: Mapping[str, str]) -> list[str]:
    return [name for name in settings.env_names() if not environ.get(name)]


def build_connectors(
    directory: Directory,
    environ: Mapping[str, str],
    *,
    org: OrgLookup | None = None,
    clock: Clock | None = None,
    timeout: float = 10.0,
) -> ConnectorRegistry:
    """`org` is what connectors read people and targets from at call time (default:
    `directory` itself; the runtime passes the live org)."""
    registry = ConnectorRegistry()
    for app in directory.data.applications:
        if app.fulfillment is Fulfillment.MANUAL:
            continue
        settings = app.connector
        if settings is None:
            message = f"{app.fulfillment.value} without connector settings: fulfilled by hand"
            registry.issues.append(ConnectorIssue(app.id, message, blocking=False))
            continue
        unset = missing_env(settings, environ)
        if unset:
            reason = (
                f"{app.fulfillment.value} connector of {app.id} is not configured: "
                f"environment variable {', '.join(unset)} not set"
            )
            registry.issues.append(ConnectorIssue(app.id, reason, blocking=True))
            registry.by_app[key(app.id)] = UnconfiguredConnector(app.fulfillment.value, reason)
            continue
        connector = _make(app, settings, environ, org or directory, clock or SystemClock(), timeout)
        registry.by_app[key(app.id)] = connector
    return registry


def _make(
    app: Application,
    settings: ConnectorSettings,
    environ: Mapping[str, str],
    org: OrgLookup,
    clock: Clock,
    timeout: float,
) -> Connector:
    """Client libraries are imported only for the kinds an org uses (a light CLI start)."""
    url = settings.url or environ[settings.url_env or ""]
    if app.fulfillment is Fulfillment.WEBHOOK:
        from domain.connectors.http import http_client
        from domain.connectors.webhook import WebhookConnector

        secret = environ[settings.secret_env or ""].encode()
        return WebhookConnector(url, secret, org, clock, http_client(timeout=timeout))
    if app.fulfillment is Fulfillment.SCIM:
        from domain.connectors.http import http_client
        from domain.connectors.scim import ScimConnector

        token = environ.get(settings.token_env or "")
        return ScimConnector(http_client(timeout=timeout, base_url=url, token=token), org)
    from domain.connectors.ldap import LdapConnector, LdapSettings

    ldap = LdapSettings(
        url=url,
        people_base=settings.people_base or "",
        bind_dn=environ.get(settings.bind_dn_env or ""),
        password=environ.get(settings.password_env or ""),
        member_attribute=settings.member_attribute or "member",
        timeout=timeout,
    )
    return LdapConnector(ldap, org)


def _configuration(directory: Directory) -> list[tuple[str, str, object]]:
    return [
        (key(a.id), a.fulfillment.value, a.connector.model_dump() if a.connector else None)
        for a in directory.data.applications
    ]


class OrgConnectors:
    """The connectors of the org as it is now. `update` is called with each new org
    snapshot (the runtime's directory cache does, whenever it rebuilds): the connectors
    are rebuilt only when an app's fulfilment or connector settings changed, and read
    people and targets from the newest snapshot. `for_app` itself never reads the
    store, because it runs inside the caller's transaction (on SQLite, a second one
    would wait for the first); before the first `update` it loads the org once."""

    def __init__(
        self,
        environ: Mapping[str, str],
        *,
        load: Callable[[], Directory] | None = None,
        clock: Clock | None = None,
        timeout: float = 10.0,
    ) -> None:
        self._environ, self._load = environ, load
        self._clock, self._timeout = clock, timeout
        self._lock = threading.Lock()
        self._seen: Directory | None = None
        self._config: list[tuple[str, str, object]] | None = None
        self._registry = ConnectorRegistry()

    def for_app(self, app_id: str) -> Connector:
        if self._seen is None and self._load is not None:
            self.update(self._load())
        return self._registry.for_app(app_id)

    def update(self, directory: Directory) -> None:
        with self._lock:
            config = _configuration(directory)
            if config != self._config:
                self._registry.close()
                self._registry = build_connectors(
                    directory, self._environ, org=self, clock=self._clock, timeout=self._timeout
                )
                self._config = config
            self._seen = directory

    @property
    def registry(self) -> ConnectorRegistry:
        return self._registry

    # --- OrgLookup: the newest snapshot seen ---------------------------------------------
    def person(self, person_id: str) -> Person | None:
        return self._seen.person(person_id) if self._seen else None

    def entitlement(self, entitlement_id: str) -> Entitlement | None:
        return self._seen.entitlement(entitlement_id) if self._seen else None
