"""The manifest asks for exactly the bot scopes the code uses (least privilege).

Every Web API method `slack_app` calls is looked up in Slack's table of required scopes
(below, from each method's documentation page); the manifest's scopes must be the union
of those, of the subscribed events' and of the slash command's. A new method call fails
here until its scope is written down, and a scope nothing uses fails too.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import yaml
from slack_sdk.web.async_client import AsyncWebClient

ROOT = Path(__file__).resolve().parents[2]

METHOD_SCOPES: dict[str, set[str]] = {
    "auth_test": set(),
    "chat_delete": {"chat:write"},
    "chat_postEphemeral": {"chat:write"},
    "chat_postMessage": {"chat:write"},
    "chat_update": {"chat:write"},
    "conversations_open": {"im:write"},
    "users_info": {"users:read"},
    "users_lookupByEmail": {"users:read.email"},
    "views_open": set(),
    "views_publish": set(),
    "views_update": set(),
}
EVENT_SCOPES: dict[str, set[str]] = {"message.im": {"im:history"}, "app_home_opened": set()}
CALL = re.compile(r"\bclient\.([a-z]+_[A-Za-z]+)\b")


def used_methods() -> set[str]:
    """Web API methods named in slack_app (the client's own attributes, such as its
    base_url, are not methods of its class)."""
    named = {m for f in (ROOT / "slack_app").rglob("*.py") for m in CALL.findall(f.read_text())}
    return {m for m in named if callable(getattr(AsyncWebClient, m, None))}


def manifest() -> dict[str, Any]:
    loaded: dict[str, Any] = yaml.safe_load((ROOT / "manifest.yaml").read_text())
    return loaded


def test_every_called_method_has_its_scope_written_down() -> None:
    unknown = used_methods() - METHOD_SCOPES.keys()
    assert not unknown, f"add the scopes of {sorted(unknown)} to METHOD_SCOPES"


def test_manifest_asks_for_exactly_the_scopes_in_use() -> None:
    m = manifest()
    needed = {s for method in used_methods() for s in METHOD_SCOPES.get(method, set())}
    needed |= {
        s for e in m["settings"]["event_subscriptions"]["bot_events"] for s in EVENT_SCOPES[e]
    }
    if m["features"].get("slash_commands"):
        needed.add("commands")
    assert set(m["oauth_config"]["scopes"]["bot"]) == needed
