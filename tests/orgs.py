"""A small org for unit tests, written as the org file would be, so tests read like the spec."""

from __future__ import annotations

from datetime import UTC, datetime

from domain.model.directory import Directory
from domain.model.org import OrgData
from domain.orgdata.orgfile import parse_org

SMALL_ORG = """
org:
  name: Test Co
  timezone: Europe/Berlin
  reasons: [New project, Other]
  max_duration: P180D
people:
  - {id: ceo@t.test, name: Cleo Eo, title: CEO, slack_id: UCEO}
  - {id: dana@t.test, name: Dana Kim, title: Engineering Manager, manager: ceo@t.test}
  - {id: alex@t.test, name: Alex Meyer, title: Backend Engineer, manager: dana@t.test, slack_id: UALEX}
  - {id: priya@t.test, name: Priya Raman, title: Backend Engineer, manager: dana@t.test}
  - {id: omar@t.test, name: Omar Haddad, title: Platform Lead, manager: ceo@t.test}
  - {id: sam@t.test, name: Sam Ortiz, title: Security Engineer, manager: ceo@t.test}
  - {id: ines@t.test, name: Ines Vogel, title: IT Admin, manager: ceo@t.test, admin: true}
  - {id: tom@t.test, name: Tom Becker, title: Backend Engineer, manager: dana@t.test, status: terminated}
  - {id: kai@t.test, name: Kai Lund, title: Intern, manager: alex@t.test}
groups:
  security: [sam@t.test, omar@t.test]
applications:
  - id: github
    name: GitHub
    aliases: [gh]
    owners: [omar@t.test]
    approval: [manager, app_owner]
    entitlements:
      - {id: github:read, name: Read}
      - {id: github:write, name: Write, aliases: [push]}
      - {id: github:admin, name: Admin, privileged: true, max_duration: P30D,
         approval: [manager, app_owner, group:security]}
  - id: aws-prod
    name: AWS Production
    owners: [sam@t.test]
    max_duration: P14D
    entitlements:
      - {id: aws-prod:read-only, name: Read-only}
      - {id: aws-prod:power-user, name: Power user, privileged: true}
  - id: hooks
    name: Hooks
    owners: [omar@t.test]
    fulfillment: webhook
    entitlements:
      - {id: hooks:user, name: User}
  - id: okta
    name: Okta
    owners: [ines@t.test]
    requestable: false
    entitlements:
      - {id: okta:admin, name: Admin}
roles:
  - {id: oncall, name: Backend on-call, entitlements: [aws-prod:read-only, github:write]}
job_titles:
  Platform Lead: [github:admin]
identities:
  - {app: github, username: alex-m, person: alex@t.test, grants: [github:read]}
  - {app: github, username: priya-r, person: priya@t.test, grants: [github:read, github:write]}
  - {app: aws-prod, username: priya, person: priya@t.test, grants: [aws-prod:read-only]}
  - {app: github, username: omar, person: omar@t.test, grants: [github:admin]}
  - {app: github, username: omar-bot, person: omar@t.test}
  - {app: github, username: tom-b, person: tom@t.test, grants: [github:write, github:admin]}
  - {app: github, username: ci-bot, kind: service, grants: [github:write]}
"""

NOW = datetime(2026, 3, 4, 15, 0, tzinfo=UTC)  # a Wednesday, 16:00 in Berlin


def small_org() -> OrgData:
    return parse_org(SMALL_ORG)


def small_directory() -> Directory:
    return Directory(small_org())
