"""Checks of an application's `connector:` settings against its `fulfillment:` kind.

The schema (`ConnectorSettings`) already refused unknown keys; here each kind says which
of the known keys it needs and allows, so a webhook with an LDAP `people_base` or an
LDAP app without one is an error at import, not a failed grant weeks later. An app of
kind ldap, scim or webhook without any `connector:` stays valid (files written before
connectors existed): it is fulfilled by hand, and `doctor` says so.
"""

from __future__ import annotations

import re

from domain.model.org import Application, ConnectorSettings, Fulfillment

_ALLOWED: dict[Fulfillment, frozenset[str]] = {
    Fulfillment.WEBHOOK: frozenset({"url", "url_env", "secret_env"}),
    Fulfillment.SCIM: frozenset({"url", "url_env", "token_env"}),
    Fulfillment.LDAP: frozenset(
        {"url", "url_env", "bind_dn_env", "password_env", "people_base", "member_attribute"}
    ),
}
_SCHEMES: dict[Fulfillment, tuple[str, ...]] = {
    Fulfillment.WEBHOOK: ("http://", "https://"),
    Fulfillment.SCIM: ("http://", "https://"),
    Fulfillment.LDAP: ("ldap://", "ldaps://"),
}
MEMBER_ATTRIBUTES = ("member", "uniqueMember", "memberUid")
_ENV_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]{0,127}")


def check_connector(app: Application, path: str, problems: list[str]) -> None:
    settings = app.connector
    if settings is None:
        return
    path = f"{path}.connector"
    if app.fulfillment is Fulfillment.MANUAL:
        problems.append(f"{path}: manual fulfilment takes no connector settings")
        return
    given = settings.model_dump(exclude_none=True)
    for name in sorted(set(given) - _ALLOWED[app.fulfillment]):
        problems.append(f"{path}.{name}: not a setting of {app.fulfillment.value} connectors")
    _check_url(settings, app.fulfillment, path, problems)
    for name in ("url_env", "secret_env", "token_env", "bind_dn_env", "password_env"):
        value = given.get(name)
        if value is not None and not _ENV_NAME.fullmatch(value):
            problems.append(f'{path}.{name}: "{value}" is not an environment variable name')
    if app.fulfillment is Fulfillment.WEBHOOK and settings.secret_env is None:
        problems.append(f"{path}.secret_env: required (webhooks are always signed)")
    if app.fulfillment is Fulfillment.LDAP:
        _check_ldap(settings, path, problems)


def _check_url(
    settings: ConnectorSettings, kind: Fulfillment, path: str, problems: list[str]
) -> None:
    if (settings.url is None) == (settings.url_env is None):
        problems.append(f"{path}: give either url or url_env (exactly one)")
    elif settings.url is not None and not settings.url.lower().startswith(_SCHEMES[kind]):
        schemes = " or ".join(_SCHEMES[kind])
        problems.append(f'{path}.url: "{settings.url}" does not start with {schemes}')


def _check_ldap(settings: ConnectorSettings, path: str, problems: list[str]) -> None:
    if settings.people_base is None:
        problems.append(f"{path}.people_base: required (where accounts live)")
    if (settings.bind_dn_env is None) != (settings.password_env is None):
        problems.append(f"{path}: bind_dn_env and password_env go together")
    attribute = settings.member_attribute
    if attribute is not None and attribute not in MEMBER_ATTRIBUTES:
        problems.append(
            f'{path}.member_attribute: "{attribute}" is not one of {", ".join(MEMBER_ATTRIBUTES)}'
        )
