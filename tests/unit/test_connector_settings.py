"""The `connector:` and `target:` keys of the org file: what each fulfilment kind needs."""

from __future__ import annotations

import pytest

from domain.errors import InvalidOrgData
from domain.orgdata.orgfile import parse_org

BASE = """
org: {{name: Acme}}
people: [{{id: a@acme.test, name: A}}]
applications:
  - id: app
    name: App
    fulfillment: {kind}
    connector: {connector}
    entitlements: [{{id: app:x, name: X, target: "cn=x,ou=groups,dc=acme,dc=test"}}]
"""


def problems(kind: str, connector: str) -> list[str]:
    try:
        parse_org(BASE.format(kind=kind, connector=connector))
    except InvalidOrgData as exc:
        return exc.problems
    return []


def test_well_formed_settings_of_each_kind_are_accepted() -> None:
    assert problems("webhook", "{url: 'https://h.test/p', secret_env: HOOK_SECRET}") == []
    assert problems("scim", "{url_env: SCIM_URL, token_env: SCIM_TOKEN}") == []
    ldap = "{url_env: LDAP_URL, bind_dn_env: DN, password_env: PW, people_base: 'ou=p,dc=a'}"
    assert problems("ldap", ldap) == []


def test_target_defaults_to_the_entitlement_id() -> None:
    data = parse_org(BASE.format(kind="scim", connector="{url: 'https://s.test/v2'}"))
    ent = data.applications[0].entitlements[0]
    assert ent.connector_target == "cn=x,ou=groups,dc=acme,dc=test"
    ent.target = None
    assert ent.connector_target == "app:x"


def test_an_app_without_connector_settings_stays_valid() -> None:
    text = BASE.format(kind="ldap", connector="null")
    assert parse_org(text).applications[0].connector is None


@pytest.mark.parametrize(
    ("kind", "connector", "expected"),
    [
        ("webhook", "{url: 'https://h.test'}", "connector.secret_env: required"),
        ("webhook", "{secret_env: S}", "either url or url_env"),
        ("webhook", "{url: 'https://h.test', url_env: U, secret_env: S}", "exactly one"),
        ("webhook", "{url: 'ftp://h.test', secret_env: S}", "does not start with http"),
        ("webhook", "{url: 'https://h', secret_env: S, people_base: x}", "not a setting of"),
        ("scim", "{url: 'https://s.test', token_env: 'my token'}", "not an environment var"),
        ("ldap", "{url: 'ldap://l'}", "people_base: required"),
        ("ldap", "{url: 'ldap://l', people_base: p, bind_dn_env: D}", "go together"),
        ("ldap", "{url: 'ldap://l', people_base: p, member_attribute: owner}", "not one of"),
        ("ldap", "{url: 'https://l', people_base: p}", "does not start with ldap"),
        ("manual", "{url: 'https://x'}", "manual fulfilment takes no connector"),
        ("scim", "{url: 'https://s', password: hunter2}", "unknown key"),
    ],
)
def test_bad_settings_are_named_with_their_path(kind: str, connector: str, expected: str) -> None:
    found = problems(kind, connector)
    assert any(expected in p and p.startswith("applications[0].connector") for p in found), found
