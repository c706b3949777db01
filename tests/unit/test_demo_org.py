"""The shipped demo org keeps the anchors the docs and the eval suite are written against."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
import yaml

from domain.errors import DomainError, InvalidOrgData
from domain.model.access_like import access_like, title_access
from domain.model.directory import Directory
from domain.model.org import Fulfillment, IdentityKind, OrgData
from domain.model.requests import AccessLikeKind
from domain.orgdata.demo import demo_org_text, load_demo_org
from domain.orgdata.orgfile import dump_org, parse_org

NOW = datetime(2026, 3, 4, 15, 0, tzinfo=UTC)


@pytest.fixture(scope="module")
def org() -> OrgData:
    return load_demo_org()


@pytest.fixture(scope="module")
def directory(org: OrgData) -> Directory:
    return Directory(org)


def test_text_is_the_shipped_file_and_parses() -> None:
    text = demo_org_text()
    assert text.startswith("# The shipped demo org")
    assert parse_org(text).org.name == "Acme Corp"


def test_org_settings(org: OrgData) -> None:
    assert org.org.name == "Acme Corp"
    assert org.org.timezone == "Europe/Berlin"
    assert org.org.reasons == [
        "New project",
        "Role change",
        "On-call / incident",
        "Onboarding",
        "Audit / compliance",
        "Other",
    ]
    assert org.org.max_duration == "P180D"


def test_size(org: OrgData, directory: Directory) -> None:
    assert len(org.people) >= 40
    assert all(p.id.endswith("@acme.test") for p in org.people)
    assert len(directory.titles()) >= 6
    assert len(org.applications) >= 12
    assert len(directory.entitlements) >= 40
    assert len(org.roles) >= 4
    assert len(org.job_titles) >= 4
    with_slack = [p for p in org.people if p.slack_id]
    assert len(org.people) > len(with_slack) > len(org.people) // 2


def test_manager_tree_has_one_top(org: OrgData, directory: Directory) -> None:
    tops = [p for p in org.people if p.manager is None]
    assert [p.title for p in tops] == ["CEO"]
    ceo = tops[0]
    assert {p.id for p in directory.reports_under(ceo.id)} == {p.id for p in org.people} - {ceo.id}
    assert any(p.title and p.title.startswith("VP ") for p in directory.reports_of[ceo.id])


def test_anchor_people(directory: Directory) -> None:
    alex = directory.person("alex.meyer@acme.test")
    assert alex is not None
    assert (alex.name, alex.title, alex.manager) == (
        "Alex Meyer",
        "Backend Engineer",
        "dana.kim@acme.test",
    )
    dana = directory.person("dana.kim@acme.test")
    assert dana is not None and (dana.name, dana.title) == ("Dana Kim", "Engineering Manager")
    assert directory.manages("dana.kim@acme.test", "priya.raman@acme.test")
    ines = directory.person("ines.vogel@acme.test")
    assert ines is not None and ines.admin
    assert [p.id for p in directory.data.people if p.admin] == ["ines.vogel@acme.test"]
    assert directory.person("JOSE.MULLER@acme.test") is not None
    names = {p.name for p in directory.data.people}
    assert {"José Müller", "Zoë Ångström"} <= names
    assert directory.by_slack_id["U01ALEX"].id == "alex.meyer@acme.test"


def test_two_priyas(directory: Directory) -> None:
    priyas = [p for p in directory.data.people if p.name.split()[0] == "Priya"]
    assert sorted(p.id for p in priyas) == ["priya.raman@acme.test", "priya.shah@acme.test"]
    raman = directory.person("priya.raman@acme.test")
    shah = directory.person("priya.shah@acme.test")
    assert raman is not None and shah is not None
    assert (raman.title, raman.manager) == ("Senior Backend Engineer", "dana.kim@acme.test")
    assert shah.title == "Data Analyst"
    assert shah.manager != raman.manager


def test_exactly_two_terminated_and_tom_still_holds_access(directory: Directory) -> None:
    gone = sorted(p.id for p in directory.data.people if not p.active)
    assert gone == ["nina.wolf@acme.test", "tom.becker@acme.test"]
    assert len(directory.held_by("tom.becker@acme.test")) >= 10
    assert "github:admin" in directory.held_by("tom.becker@acme.test")
    with pytest.raises(DomainError) as refused:
        access_like(
            directory,
            kind=AccessLikeKind.PERSON,
            reference="tom.becker@acme.test",
            beneficiary="alex.meyer@acme.test",
            now=NOW,
        )
    assert refused.value.code == "reference_terminated"


def test_sres_and_their_title(directory: Directory) -> None:
    sres = [p for p in directory.people_by_title["site reliability engineer"] if p.active]
    assert len(sres) >= 3
    assert directory.title_bundle("Site Reliability Engineer")
    assert directory.title_bundle("Senior Backend Engineer") == [
        "github:write",
        "aws-dev:power-user",
    ]
    for title in ("Backend Engineer", "Data Analyst"):
        assert directory.title_bundle(title)


def test_titles_without_a_bundle_use_the_half_rule(directory: Directory) -> None:
    assert directory.title_bundle("Frontend Engineer") is None
    bundle = title_access(directory, "Frontend Engineer", now=NOW)
    assert {"github:write", "jira:user", "figma:viewer", "datadog:read-only"} <= bundle
    assert "vpn:standard" not in bundle  # held by only one of three


def test_groups(directory: Directory) -> None:
    assert sorted(directory.group("security")) == ["sam.ortiz@acme.test", "sue.chen@acme.test"]
    for name in ("it-admins", "finance-approvers", "data-owners"):
        assert directory.group(name)


def test_github(directory: Directory) -> None:
    github = directory.app("github")
    assert github is not None
    assert github.owners == ["omar.haddad@acme.test"]
    assert {"gh", "git hub"} <= set(github.aliases)
    assert [e.id for e in github.entitlements] == [
        "github:read",
        "github:write",
        "github:maintain",
        "github:admin",
    ]
    write = directory.entitlement("github:write")
    assert write is not None and {"push", "contributor"} <= set(write.aliases)
    admin = directory.entitlement("github:admin")
    assert admin is not None and admin.privileged
    assert admin.max_duration == "P30D"
    assert admin.approval == ["manager", "app_owner", "group:security"]


def test_aws(directory: Directory) -> None:
    prod = directory.app("aws-prod")
    assert prod is not None
    assert prod.name == "AWS Production"
    assert {"aws prod", "prod aws"} <= set(prod.aliases)
    assert prod.max_duration == "P14D"
    assert prod.approval == ["manager", "app_owner", "group:security"]
    ids = {e.id: e for e in prod.entitlements}
    assert not ids["aws-prod:read-only"].privileged
    assert ids["aws-prod:power-user"].privileged and ids["aws-prod:admin"].privileged
    dev = directory.app("aws-dev")
    assert dev is not None
    assert {e.id for e in dev.entitlements} == {
        "aws-dev:read-only",
        "aws-dev:power-user",
        "aws-dev:admin",
    }
    dev_admin = directory.entitlement("aws-dev:admin")
    assert dev_admin is not None and dev_admin.privileged


def test_other_anchor_entitlements(directory: Directory) -> None:
    for ent in (
        "pagerduty:responder",
        "pagerduty:manager",
        "datadog:read-only",
        "datadog:standard",
        "datadog:admin",
        "snowflake:analyst",
        "snowflake:engineer",
    ):
        assert directory.entitlement(ent) is not None, ent
    for app in ("jira", "confluence", "salesforce", "figma", "1password"):
        assert directory.app(app) is not None, app
    pii = directory.entitlement("snowflake:pii-reader")
    assert pii is not None and pii.privileged
    assert pii.approval is not None and "group:data-owners" in pii.approval


def test_every_app_has_owners_and_approvals_vary(directory: Directory) -> None:
    apps = directory.data.applications
    assert all(app.owners for app in apps)
    chains = {tuple(app.approval) for app in apps}
    chains |= {tuple(e.approval) for app in apps for e in app.entitlements if e.approval}
    assert ("manager",) in chains
    assert ("manager", "app_owner") in chains
    assert any(step.startswith("person:") for chain in chains for step in chain)


def test_non_requestable_app(directory: Directory) -> None:
    hidden = [app for app in directory.data.applications if not app.requestable]
    assert [app.id for app in hidden] == ["okta"]
    assert not directory.is_requestable("okta:super-admin")
    diff = access_like(
        directory,
        kind=AccessLikeKind.PERSON,
        reference="ines.vogel@acme.test",
        beneficiary="alex.meyer@acme.test",
        now=NOW,
    )
    assert diff.not_requestable == ("okta:super-admin",)
    assert "okta:super-admin" not in diff.entitlements


def test_fulfillment_kinds(directory: Directory) -> None:
    apps = directory.data.applications
    kinds = {app.fulfillment for app in apps}
    assert {Fulfillment.WEBHOOK, Fulfillment.LDAP, Fulfillment.SCIM, Fulfillment.MANUAL} <= kinds
    netsuite = directory.app("netsuite")
    assert netsuite is not None
    assert netsuite.fulfillment is Fulfillment.WEBHOOK
    assert not netsuite.can_create_accounts
    vpn = directory.app("vpn")
    assert vpn is not None and vpn.fulfillment is Fulfillment.LDAP


def test_roles(directory: Directory) -> None:
    oncall = directory.role("backend-oncall")
    assert oncall is not None
    assert oncall.name == "Backend on-call"
    assert oncall.entitlements == ["pagerduty:responder", "aws-prod:read-only", "datadog:standard"]
    new_sre = directory.role("new-sre")
    assert new_sre is not None and new_sre.name == "New SRE"
    assert directory.role("data-analyst") is not None


def test_priya_holds_clearly_more_than_alex(directory: Directory) -> None:
    alex = directory.held_by("alex.meyer@acme.test", at=NOW)
    priya = directory.held_by("priya.raman@acme.test", at=NOW)
    assert alex == {"github:read", "jira:user"}
    assert [i.id for i in directory.identities_in("alex.meyer@acme.test", "github")] == [
        "github:alex-m"
    ]
    assert {
        "github:write",
        "aws-dev:power-user",
        "datadog:standard",
        "pagerduty:responder",
        "jira:user",
    } <= priya
    diff = access_like(
        directory,
        kind=AccessLikeKind.PERSON,
        reference="priya.raman@acme.test",
        beneficiary="alex.meyer@acme.test",
        now=NOW,
    )
    assert len(diff.entitlements) >= 8
    assert diff.already_held == ("jira:user",)
    # Alex has no account in most of those apps: items that need a new account.
    assert not directory.identities_in("alex.meyer@acme.test", "aws-dev")


def test_people_with_two_accounts_in_one_app(directory: Directory) -> None:
    shah = directory.identities_in("priya.shah@acme.test", "snowflake")
    assert len(shah) == 2
    omar = sorted(i.username for i in directory.identities_in("omar.haddad@acme.test", "github"))
    assert omar == ["omar-h", "omar-h-admin"]


def test_service_accounts(directory: Directory) -> None:
    services = {i.id for i in directory.data.identities if i.kind is IdentityKind.SERVICE}
    assert {"github:ci-bot", "aws-prod:deploy-bot"} <= services
    assert all(
        i.person is None for i in directory.data.identities if i.kind is IdentityKind.SERVICE
    )


def test_temporary_grants(directory: Directory) -> None:
    expiring = [g for i in directory.data.identities for g in i.grants if g.expires is not None]
    assert len(expiring) >= 3
    assert all(g.expires is not None and g.expires.year == 2027 for g in expiring)
    after = datetime(2027, 6, 1, tzinfo=UTC)
    assert "snowflake:pii-reader" in directory.held_by("priya.shah@acme.test", at=NOW)
    assert "snowflake:pii-reader" not in directory.held_by("priya.shah@acme.test", at=after)


def test_export_reparses_to_an_equal_model(org: OrgData) -> None:
    assert parse_org(dump_org(org)) == org
    assert parse_org(dump_org(org, as_json=True)) == org


def test_duplicates_inside_lists_are_rejected_with_their_paths() -> None:
    data = yaml.safe_load(demo_org_text())
    data["roles"][0]["entitlements"].append(data["roles"][0]["entitlements"][0])
    data["applications"][0]["owners"].append(data["applications"][0]["owners"][0])
    with pytest.raises(InvalidOrgData) as err:
        parse_org(yaml.safe_dump(data))
    text = str(err.value)
    assert "roles[0].entitlements[" in text and "duplicate entitlement" in text
    assert "applications[0].owners[" in text and "duplicate owner" in text
