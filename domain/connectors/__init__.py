"""Fulfillment connectors: how an approved grant is carried out in the target app.

manual (a task for the app's owners), webhook, scim and ldap; `build_connectors` makes
them from the org data's `fulfillment:` and `connector:` settings.
"""

from __future__ import annotations

from domain.connectors.manual import ManualConnector
from domain.connectors.registry import (
    ConnectorIssue,
    ConnectorRegistry,
    OrgConnectors,
    UnconfiguredConnector,
    build_connectors,
)

__all__ = [
    "ConnectorIssue",
    "ConnectorRegistry",
    "ManualConnector",
    "OrgConnectors",
    "UnconfiguredConnector",
    "build_connectors",
]
