"""The small test org with temporary grants, for the after-submit tools and use cases."""

from __future__ import annotations

from domain.model.directory import Directory
from domain.model.org import OrgData
from domain.orgdata.orgfile import parse_org
from tests.orgs import SMALL_ORG

TEMPORARY = """
  - {app: aws-prod, username: alex, person: alex@t.test,
     grants: [{entitlement: aws-prod:read-only, expires: "2026-03-10T23:00:00Z"}]}
  - {app: hooks, username: priya, person: priya@t.test,
     grants: [{entitlement: hooks:user, expires: "2026-03-20T23:00:00Z"}]}
"""


def org() -> OrgData:
    return parse_org(SMALL_ORG.rstrip() + TEMPORARY)


def directory() -> Directory:
    return Directory(org())
