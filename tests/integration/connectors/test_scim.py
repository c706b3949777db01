"""The SCIM connector against a real SCIM server (`scim2-server`) on loopback."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from domain.connectors import build_connectors
from domain.connectors.scim import ScimConnector
from domain.model.directory import Directory
from domain.ports import Connector, Outcome, TransientConnectorError
from slack_app.testing.scim_server import TOKEN, ScimServer
from tests.integration.connectors.org import directory, request
from tests.integration.connectors.servers import run_scim_server


@pytest.fixture(scope="module")
def scim(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ScimServer]:
    yield from run_scim_server(tmp_path_factory.mktemp("scim"))


def post(server: ScimServer, path: str, document: dict[str, Any]) -> dict[str, Any]:
    with server.client() as client:
        response = client.post(path, json=document)
        assert response.status_code == 201, response.text
        answer: dict[str, Any] = response.json()
        return answer


def user(server: ScimServer, username: str, external_id: str | None = None) -> str:
    schema = "urn:ietf:params:scim:schemas:core:2.0:User"
    document: dict[str, Any] = {"schemas": [schema], "userName": username}
    if external_id:
        document["externalId"] = external_id
    return str(post(server, "/Users", document)["id"])


def group(server: ScimServer, name: str) -> str:
    schema = "urn:ietf:params:scim:schemas:core:2.0:Group"
    return str(post(server, "/Groups", {"schemas": [schema], "displayName": name})["id"])


def members(server: ScimServer, group_id: str) -> set[str]:
    with server.client() as client:
        found = client.get(f"/Groups/{group_id}").json()
    return {m["value"] for m in found.get("members", [])}


def jira(server: ScimServer, group_id: str) -> Connector:
    org = directory().data
    org.applications[1].entitlements[0].target = group_id
    environ = {"JIRA_SCIM_URL": server.url, "JIRA_SCIM_TOKEN": TOKEN}
    return build_connectors(Directory(org), environ).for_app("jira")


def test_grant_and_revoke_patch_the_group_membership(scim: ScimServer) -> None:
    priya, team = user(scim, "priya"), group(scim, "jira-users")
    connector = jira(scim, team)
    req, item = request("jira:users", "jira:priya")
    for _ in range(2):  # the same key twice: one membership
        granted = connector.grant(req, item, key="r1:jira:users:grant")
        assert (granted.outcome, granted.identity_id) == (Outcome.DONE, "jira:priya")
    assert members(scim, team) == {priya}
    for _ in range(2):
        assert connector.revoke(req, item, key="r1:jira:users:revoke").outcome is Outcome.DONE
    assert members(scim, team) == set()


def test_a_new_account_is_created_once_and_added(scim: ScimServer) -> None:
    team = group(scim, "jira-new")
    connector = jira(scim, team)
    req, item = request("jira:users", "new", beneficiary="new.hire@acme.test")
    first = connector.grant(req, item, key="k")
    again = connector.grant(req, item, key="k")  # finds the user it made (same externalId)
    assert first.outcome is again.outcome is Outcome.DONE
    assert first.identity_id == "jira:new.hire"
    with scim.client() as client:
        found = client.get("/Users", params={"filter": 'userName eq "new.hire"'}).json()
    assert found["totalResults"] == 1
    [made] = found["Resources"]
    assert (made["externalId"], made["displayName"]) == ("new.hire@acme.test", "Nadia Petrov")
    assert members(scim, team) == {made["id"]}


def test_a_taken_user_name_or_unknown_user_or_group_fails(scim: ScimServer) -> None:
    user(scim, "omar", external_id="someone.else@acme.test")
    team = group(scim, "jira-taken")
    req, item = request("jira:users", "new", beneficiary="omar@acme.test")
    taken = jira(scim, team).grant(req, item, key="k")
    assert taken.outcome is Outcome.FAILED
    assert "taken by another account" in taken.message
    req, item = request("jira:users", "jira:ghost")
    assert "no SCIM user named ghost" in jira(scim, team).grant(req, item, key="k").message
    user(scim, "priya2")
    req, item = request("jira:users", "jira:priya2")
    missing = jira(scim, "no-such-group").grant(req, item, key="k")
    assert missing.outcome is Outcome.FAILED
    assert "404" in missing.message


def test_a_wrong_token_fails_and_an_unreachable_server_is_transient(scim: ScimServer) -> None:
    req, item = request("jira:users", "jira:priya")
    org = directory().data
    org.applications[1].entitlements[0].target = "x"
    wrong = {"JIRA_SCIM_URL": scim.url, "JIRA_SCIM_TOKEN": "wrong"}
    refused = build_connectors(Directory(org), wrong).for_app("jira").grant(req, item, key="k")
    assert refused.outcome is Outcome.FAILED
    assert "401" in refused.message
    down = {"JIRA_SCIM_URL": "http://127.0.0.1:1/v2", "JIRA_SCIM_TOKEN": TOKEN}
    unreachable = build_connectors(Directory(org), down).for_app("jira")
    assert isinstance(unreachable, ScimConnector)
    with pytest.raises(TransientConnectorError):
        unreachable.grant(req, item, key="k")
