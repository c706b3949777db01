"""The LDAP connector against a real slapd on loopback (no mocks of LDAP)."""

from __future__ import annotations

import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from domain.connectors import build_connectors
from domain.connectors.ldap import LdapConnector, LdapSettings
from domain.ports import Connector, Outcome, TransientConnectorError
from slack_app.testing.slapd import ADMIN_DN, PASSWORD, PEOPLE, Slapd
from tests.integration.connectors.org import directory, request
from tests.integration.connectors.servers import run_slapd


@pytest.fixture(scope="module")
def slapd(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Slapd]:
    yield from run_slapd(tmp_path_factory.mktemp("slapd"))


@pytest.fixture
def group(slapd: Slapd, request: pytest.FixtureRequest) -> str:
    """A fresh group per test, and the org pointing vpn:users at it."""
    return slapd.add_group(f"g-{request.node.name[:40].replace('[', '-').rstrip(']')}")


def connector(slapd: Slapd, group_dn: str, **settings: str) -> Connector:
    org = directory().data
    org.applications[0].entitlements[0].target = group_dn
    if settings:
        org.applications[0].connector = org.applications[0].connector.model_copy(  # type: ignore[union-attr]
            update=settings
        )
    from domain.model.directory import Directory

    environ = {"LDAP_URL": slapd.url, "LDAP_BIND_DN": ADMIN_DN, "LDAP_PASSWORD": PASSWORD}
    return build_connectors(Directory(org), environ).for_app("vpn")


def ensure_priya(slapd: Slapd) -> str:
    conn = slapd.connection()
    dn = f"uid=priya,{PEOPLE}"
    if not conn.search(dn, "(objectClass=*)", "BASE"):
        slapd.add_person("priya", "Priya Raman", "priya@acme.test")
    conn.unbind()
    return dn


def test_grant_adds_the_identity_dn_to_the_group_and_revoke_removes_it(
    slapd: Slapd, group: str
) -> None:
    dn = ensure_priya(slapd)
    vpn = connector(slapd, group)
    req, item = request("vpn:users", "vpn:priya")
    granted = vpn.grant(req, item, key="r1:vpn:users:grant")
    assert (granted.outcome, granted.identity_id) == (Outcome.DONE, "vpn:priya")
    assert slapd.members(group) == {dn.lower()}
    assert vpn.revoke(req, item, key="r1:vpn:users:revoke").outcome is Outcome.DONE
    assert slapd.members(group) == set()


def test_a_repeated_call_with_the_same_key_is_harmless(slapd: Slapd, group: str) -> None:
    dn = ensure_priya(slapd)
    vpn = connector(slapd, group)
    req, item = request("vpn:users", "vpn:priya")
    for _ in range(2):
        assert vpn.grant(req, item, key="k-grant").outcome is Outcome.DONE
    assert slapd.members(group) == {dn.lower()}
    for _ in range(2):
        assert vpn.revoke(req, item, key="k-revoke").outcome is Outcome.DONE
    assert slapd.members(group) == set()


def test_the_grant_is_visible_with_ldapsearch(slapd: Slapd, group: str) -> None:
    dn = ensure_priya(slapd)
    req, item = request("vpn:users", "vpn:priya")
    connector(slapd, group).grant(req, item, key="k")
    found = subprocess.run(
        ["ldapsearch", "-x", "-LLL", "-H", slapd.url, "-D", ADMIN_DN, "-w", PASSWORD,
         "-b", group, "member"],
        capture_output=True, text=True, check=True, timeout=30,
    ).stdout  # fmt: skip
    assert f"member: {dn}" in found


def test_a_new_account_is_created_under_people_base_then_added(slapd: Slapd, group: str) -> None:
    vpn = connector(slapd, group)
    req, item = request("vpn:users", "new", beneficiary="new.hire@acme.test")
    first = vpn.grant(req, item, key="k")
    again = vpn.grant(req, item, key="k")  # the retry finds its own entry and goes on
    assert first.outcome is again.outcome is Outcome.DONE
    assert first.identity_id == "vpn:new.hire"
    conn = slapd.connection()
    conn.search(f"uid=new.hire,{PEOPLE}", "(objectClass=*)", "BASE", attributes=["cn", "mail"])
    assert (str(conn.entries[0].cn), str(conn.entries[0].mail)) == (
        "Nadia Petrov",
        "new.hire@acme.test",
    )
    assert slapd.members(group) == {f"uid=new.hire,{PEOPLE}".lower()}


def test_a_new_account_whose_name_is_someone_elses_fails(slapd: Slapd, group: str) -> None:
    slapd.add_person("omar", "Omar Other", "someone.else@acme.test")
    req, item = request("vpn:users", "new", beneficiary="omar@acme.test")
    result = connector(slapd, group).grant(req, item, key="k")
    assert result.outcome is Outcome.FAILED
    assert "exists already" in result.message
    assert slapd.members(group) == set()


def test_an_unknown_account_or_group_is_a_permanent_failure(slapd: Slapd, group: str) -> None:
    ensure_priya(slapd)
    req, item = request("vpn:users", "vpn:ghost")
    assert "no LDAP entry uid=ghost" in connector(slapd, group).grant(req, item, key="k").message
    req, item = request("vpn:users", "vpn:priya")
    missing = connector(slapd, "cn=nope,ou=groups,dc=acme,dc=test").grant(req, item, key="k")
    assert missing.outcome is Outcome.FAILED
    assert "noSuchObject" in missing.message


def test_member_uid_groups_hold_the_bare_username(slapd: Slapd) -> None:
    ensure_priya(slapd)
    dn = "cn=posix-vpn,ou=groups,dc=acme,dc=test"
    slapd._add(dn, ["posixGroup"], {"cn": "posix-vpn", "gidNumber": 5000})
    req, item = request("vpn:users", "vpn:priya")
    vpn = connector(slapd, dn, member_attribute="memberUid")
    assert vpn.grant(req, item, key="k").outcome is Outcome.DONE
    conn = slapd.connection()
    conn.search(dn, "(objectClass=*)", "BASE", attributes=["memberUid"])
    assert conn.entries[0].memberUid.values == ["priya"]


def test_wrong_credentials_fail_and_an_unreachable_server_is_transient(
    slapd: Slapd, group: str, tmp_path: Path
) -> None:
    ensure_priya(slapd)
    req, item = request("vpn:users", "vpn:priya")
    org = directory()
    bad = LdapConnector(LdapSettings(slapd.url, PEOPLE, ADMIN_DN, "wrong"), org)
    assert "invalidCredentials" in bad.grant(req, item, key="k").message
    down = LdapConnector(LdapSettings("ldap://127.0.0.1:1", PEOPLE, timeout=2), org)
    with pytest.raises(TransientConnectorError):
        down.grant(req, item, key="k")
