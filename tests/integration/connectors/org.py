"""A small org and requests for the connector tests."""

from __future__ import annotations

from datetime import UTC, datetime

from domain.model.directory import Directory
from domain.model.requests import AccessRequest, RequestItem, RequestKind
from domain.orgdata.orgfile import parse_org

NOW = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)

ORG = """
org: {name: Acme, reasons: [New project, Other]}
people:
  - {id: priya@acme.test, name: Priya Raman, manager: omar@acme.test}
  - {id: omar@acme.test, name: Omar Haddad}
  - {id: new.hire@acme.test, name: Nadia Petrov, manager: omar@acme.test}
applications:
  - id: vpn
    name: VPN
    fulfillment: ldap
    connector: {url_env: LDAP_URL, bind_dn_env: LDAP_BIND_DN, password_env: LDAP_PASSWORD,
                people_base: "ou=people,dc=acme,dc=test"}
    entitlements:
      - {id: vpn:users, name: Users, target: "cn=vpn-users,ou=groups,dc=acme,dc=test"}
  - id: jira
    name: Jira
    fulfillment: scim
    connector: {url_env: JIRA_SCIM_URL, token_env: JIRA_SCIM_TOKEN}
    entitlements:
      - {id: jira:users, name: Users}
  - id: github
    name: GitHub
    fulfillment: webhook
    creates_accounts: true
    connector: {url_env: GITHUB_HOOK_URL, secret_env: GITHUB_HOOK_SECRET}
    entitlements:
      - {id: github:write, name: Write, target: team/backend}
identities:
  - {app: vpn, username: priya, person: priya@acme.test}
  - {app: jira, username: priya, person: priya@acme.test}
  - {app: github, username: priya-r, person: priya@acme.test}
"""


def directory(text: str = ORG) -> Directory:
    return Directory(parse_org(text))


def request(
    entitlement: str, identity: str, *, beneficiary: str = "priya@acme.test", rid: str = "r1"
) -> tuple[AccessRequest, RequestItem]:
    item = RequestItem(
        entitlement_id=entitlement,
        app_id=entitlement.split(":", maxsplit=1)[0],
        identity_id=identity,
    )
    req = AccessRequest(
        id=rid,
        kind=RequestKind.GRANT,
        requester="omar@acme.test",
        beneficiary=beneficiary,
        items=[item],
        reason="New project",
        created_at=NOW,
        updated_at=NOW,
    )
    return req, item
