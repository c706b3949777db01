"""Fulfillment connectors: how an approved grant is carried out in the target app."""

from __future__ import annotations

from dataclasses import dataclass, field

from domain.connectors.manual import ManualConnector
from domain.ports import Connector


@dataclass
class ConnectorRegistry:
    """Connector per app id; apps without an entry are fulfilled by hand (manual)."""

    by_app: dict[str, Connector] = field(default_factory=dict)
    default: Connector = field(default_factory=ManualConnector)

    def for_app(self, app_id: str) -> Connector:
        return self.by_app.get(app_id.casefold(), self.default)


__all__ = ["ConnectorRegistry", "ManualConnector"]
