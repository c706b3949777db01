"""Org files and row dumps shared by the store tests."""

from __future__ import annotations

from sqlalchemy import Engine, func, select, text

from domain.store.schema import metadata

# Every field of the org file is used at least once, with non-ASCII text, a service
# account, grant expiries, caps, approval overrides and an app that is not requestable.
FULL_ORG = """
org:
  name: Ünïcode Corp — Zürich
  timezone: Europe/Zurich
  reasons: [Neues Projekt, On-call / incident, 其他]
  max_duration: P180D
people:
  - {id: ceo@u.test, name: Zoë Ångström, title: CEO, department: Exec, slack_id: UCEO, admin: true}
  - {id: Dana.Kim@u.test, name: Dana Kim, title: Engineering Manager, department: Engineering, manager: ceo@u.test}
  - {id: alex@u.test, name: Alex Meyer, title: Backend Engineer, department: Engineering, manager: dana.kim@u.test, slack_id: UALEX}
  - {id: jose@u.test, name: José Müller, title: Backend Engineer, manager: dana.kim@u.test}
  - {id: li@u.test, name: 李小龙, title: Security Engineer, manager: ceo@u.test}
  - {id: tom@u.test, name: Tom Becker, title: Backend Engineer, manager: dana.kim@u.test, status: terminated}
  - {id: kai@u.test, name: Kai Lund, manager: alex@u.test}
groups:
  security: [li@u.test, ceo@u.test]
  Oncall-Leads: [dana.kim@u.test]
applications:
  - id: github
    name: GitHub
    aliases: [gh, git hub]
    owners: [ceo@u.test, li@u.test]
    fulfillment: scim
    connector: {url_env: GH_SCIM_URL, token_env: GH_SCIM_TOKEN}
    creates_accounts: false
    max_duration: P90D
    approval: [manager, app_owner]
    entitlements:
      - {id: github:read, name: Read}
      - id: github:write
        name: Write
        description: Push to non-protected branches — nicht main
        aliases: [push, contributor]
        max_duration: P30D
        target: 3f2c-Ünï-group
      - id: github:admin
        name: Admin
        privileged: true
        approval: [manager, app_owner, group:security, person:li@u.test]
  - id: aws-prod
    name: AWS Production
    owners: [li@u.test]
    fulfillment: ldap
    connector:
      url: ldap://127.0.0.1:3389
      bind_dn_env: LDAP_BIND_DN
      password_env: LDAP_PASSWORD
      people_base: "ou=people,dc=u,dc=test"
      member_attribute: uniqueMember
    creates_accounts: true
    approval: [group:oncall-leads]
    entitlements:
      - {id: aws-prod:read-only, name: Read-only, target: "cn=aws-ro,ou=groups,dc=u,dc=test"}
  - id: hooks
    name: Hooks
    fulfillment: webhook
    connector: {url: "https://hooks.u.test/provision", secret_env: HOOKS_SECRET}
    entitlements:
      - {id: hooks:user, name: User}
  - id: okta
    name: Okta
    requestable: false
    entitlements:
      - {id: okta:admin, name: Admin, privileged: true}
roles:
  - {id: oncall, name: Backend on-call, entitlements: [aws-prod:read-only, github:write]}
  - {id: empty-role, name: Nothing yet}
job_titles:
  Backend Engineer: [github:write, github:read]
  CEO: []
identities:
  - {app: github, username: alex-m, person: alex@u.test, grants: [github:read]}
  - app: github
    username: José-M
    person: jose@u.test
    grants:
      - github:write
      - {entitlement: github:admin, expires: "2026-12-01T00:00:00Z"}
      - {entitlement: github:read, expires: "2026-06-30T18:30:00Z"}
  - {app: aws-prod, username: jose, person: jose@u.test, kind: user}
  - {app: github, username: ci-bot, kind: service, grants: [github:write]}
  - {app: okta, username: tom, person: tom@u.test, grants: [okta:admin]}
"""

BAD_ORG = """
org: {name: Bad, timezone: Mars/Olympus, reasons: [Other], max_duration: P1Q}
people:
  - {id: a@b.test, name: A, manager: nobody@b.test}
  - {id: A@b.test, name: A again}
applications:
  - id: app
    name: App
    approval: [group:ghosts]
    entitlements: [{id: app:x, name: X}]
identities:
  - {app: app, username: u, person: a@b.test, grants: [app:missing]}
"""


def table_dump(engine: Engine) -> dict[str, list[tuple[object, ...]]]:
    """Every row of every table, sorted: equal dumps mean an unchanged database."""
    with engine.connect() as conn:
        return {
            table.name: sorted((tuple(row) for row in conn.execute(select(table))), key=repr)
            for table in metadata.sorted_tables
        }


def row_counts(engine: Engine) -> dict[str, int]:
    with engine.connect() as conn:
        return {
            table.name: int(conn.scalar(select(func.count()).select_from(table)) or 0)
            for table in metadata.sorted_tables
        }


def fail_inserts(engine: Engine, table: str, message: str = "injected failure") -> None:
    """A real database failure in the middle of a sync: every INSERT into `table` fails."""
    with engine.begin() as conn:
        if conn.dialect.name == "postgresql":
            conn.execute(
                text(
                    "CREATE FUNCTION fail_insert() RETURNS trigger LANGUAGE plpgsql AS"
                    f" $$ BEGIN RAISE EXCEPTION '{message}'; END $$"
                )
            )
            conn.execute(
                text(
                    f"CREATE TRIGGER fail_insert BEFORE INSERT ON {table}"
                    " FOR EACH ROW EXECUTE FUNCTION fail_insert()"
                )
            )
        else:
            conn.execute(
                text(
                    f"CREATE TRIGGER fail_insert BEFORE INSERT ON {table}"
                    f" BEGIN SELECT RAISE(ABORT, '{message}'); END"
                )
            )
