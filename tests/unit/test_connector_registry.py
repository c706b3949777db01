"""Connectors follow the org: rebuilt when an import changes their settings only."""

from __future__ import annotations

from domain.connectors import ConnectorRegistry, OrgConnectors, UnconfiguredConnector
from domain.model.directory import Directory
from domain.orgdata.orgfile import parse_org

ORG = """
org: {name: Acme}
people: [{id: a@acme.test, name: Ann Example}]
applications:
  - id: hooks
    name: Hooks
    fulfillment: webhook
    connector: {url: "https://hooks.acme.test/", secret_env: HOOK_SECRET}
    entitlements: [{id: hooks:x, name: X, target: first}]
  - {id: wiki, name: Wiki}
"""


def test_rebuilt_only_when_connector_settings_change() -> None:
    connectors = OrgConnectors({"HOOK_SECRET": "s"})
    connectors.update(Directory(parse_org(ORG)))
    first = connectors.for_app("HOOKS")
    assert first.name == "webhook"
    assert connectors.for_app("wiki").name == "manual"
    moved = Directory(parse_org(ORG.replace("target: first", "target: second")))
    connectors.update(moved)  # a grant or a new target: same connector, newest lookups
    assert connectors.for_app("hooks") is first
    ent = connectors.entitlement("hooks:x")
    assert ent is not None and ent.connector_target == "second"
    connectors.update(Directory(parse_org(ORG.replace("hooks.acme.test", "new.acme.test"))))
    assert connectors.for_app("hooks") is not first


def test_an_unset_secret_gives_a_failing_connector_not_manual() -> None:
    connectors = OrgConnectors({})
    connectors.update(Directory(parse_org(ORG)))
    assert isinstance(connectors.for_app("hooks"), UnconfiguredConnector)
    assert [i.blocking for i in connectors.registry.issues] == [True]


def test_an_empty_registry_is_all_manual() -> None:
    assert ConnectorRegistry().for_app("anything").name == "manual"
