"""Signed Slack requests in Slack's own payload shapes, sent to the real FastAPI app.

`SlackHarness` plays Slack's side: it signs every request with the signing secret
(fresh X-Slack-Request-Timestamp) and posts events, slash commands, block actions and
view submissions to /slack/events; the bot's Web API calls land in the fake.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import time
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Protocol
from urllib.parse import urlencode

from fastapi.testclient import TestClient

from slack_app.bootstrap import Runtime
from slack_app.testing.slack_api import TEAM, FakeSlackAPI, dm_channel

SECRET = "test-signing-secret"
EVENTS = "/slack/events"


class Answer(Protocol):
    """What the app answered: Starlette's TestClient returns an httpx (or httpx2)
    response, whichever is installed; tests only read these."""

    @property
    def status_code(self) -> int: ...
    @property
    def text(self) -> str: ...
    def json(self) -> Any: ...


def sign(body: str, timestamp: int, secret: str = SECRET) -> str:
    base = f"v0:{timestamp}:{body}".encode()
    return "v0=" + hmac.new(secret.encode(), base, hashlib.sha256).hexdigest()


def block_values(payload: dict[str, Any]) -> list[dict[str, Any]]:
    """Every interactive element in a message or view payload (to find buttons)."""
    found: list[dict[str, Any]] = []
    for block in payload.get("blocks") or []:
        found += [e for e in block.get("elements") or [] if "action_id" in e]
        accessory = block.get("accessory")
        if accessory and "action_id" in accessory:
            found.append(accessory)
    return found


def button(payload: dict[str, Any], action_id: str) -> dict[str, Any]:
    return next(e for e in block_values(payload) if e["action_id"] == action_id)


def has_action(action_id: str) -> Callable[[dict[str, Any]], bool]:
    return lambda body: any(e["action_id"] == action_id for e in block_values(body))


@dataclass
class SlackHarness:
    http: TestClient
    slack: FakeSlackAPI
    runtime: Runtime

    # --- raw -------------------------------------------------------------------------
    def post(
        self,
        body: str,
        content_type: str,
        *,
        age: int = 0,
        secret: str = SECRET,
        headers: dict[str, str] | None = None,
    ) -> Answer:
        ts = int(time.time()) - age
        signed = {
            "Content-Type": content_type,
            "X-Slack-Request-Timestamp": str(ts),
            "X-Slack-Signature": sign(body, ts, secret),
            **(headers or {}),
        }
        return self.http.post(EVENTS, content=body.encode(), headers=signed)

    def interactive(self, payload: dict[str, Any]) -> Answer:
        body = urlencode({"payload": json.dumps(payload)})
        return self.post(body, "application/x-www-form-urlencoded")

    # --- Events API ------------------------------------------------------------------
    def event(
        self, event: dict[str, Any], *, event_id: str | None = None, retry: int = 0
    ) -> Answer:
        envelope = {
            "token": "legacy",
            "team_id": TEAM,
            "api_app_id": "A01ACCESS",
            "type": "event_callback",
            "event_id": event_id or f"Ev{uuid.uuid4().hex[:10].upper()}",
            "event_time": int(time.time()),
            "event": event,
            "authorizations": [{"team_id": TEAM, "user_id": "UBOT", "is_bot": True}],
        }
        headers = {"X-Slack-Retry-Num": str(retry), "X-Slack-Retry-Reason": "http_timeout"}
        return self.post(
            json.dumps(envelope), "application/json", headers=headers if retry else None
        )

    def dm(self, user: str, text: str, *, event_id: str | None = None, retry: int = 0) -> Answer:
        event = {
            "type": "message",
            "channel": dm_channel(user),
            "channel_type": "im",
            "user": user,
            "text": text,
            "ts": f"{time.time():.6f}",
            "event_ts": f"{time.time():.6f}",
        }
        return self.event(event, event_id=event_id, retry=retry)

    # --- commands and interactivity --------------------------------------------------
    def command(self, user: str, text: str, *, channel: str = "C01GENERAL") -> Answer:
        form = {
            "token": "legacy",
            "team_id": TEAM,
            "channel_id": channel,
            "user_id": user,
            "command": "/access",
            "text": text,
            "trigger_id": f"trig.{uuid.uuid4().hex[:8]}",
            "response_url": "https://hooks.slack.test/commands/1",
        }
        return self.post(urlencode(form), "application/x-www-form-urlencoded")

    def click(
        self,
        user: str,
        element: dict[str, Any],
        *,
        channel: str,
        ts: str,
        values: dict[str, Any] | None = None,
        block_id: str = "b",
    ) -> Answer:
        """A block_actions payload for a click on `element` in message (channel, ts)."""
        action = {
            "type": element.get("type", "button"),
            "action_id": element["action_id"],
            "block_id": block_id,
            "value": element.get("value"),
            "action_ts": f"{time.time():.6f}",
        }
        return self.interactive(
            {
                "type": "block_actions",
                "team": {"id": TEAM, "domain": "acme"},
                "user": {"id": user, "team_id": TEAM},
                "api_app_id": "A01ACCESS",
                "trigger_id": f"trig.{uuid.uuid4().hex[:8]}",
                "container": {"type": "message", "message_ts": ts, "channel_id": channel},
                "channel": {"id": channel, "name": "directmessage"},
                "message": {"type": "message", "ts": ts, "text": ""},
                "state": {"values": values or {}},
                "actions": [action],
            }
        )

    def submit_view(
        self, user: str, callback_id: str, metadata: str, values: Mapping[Any, Any]
    ) -> Answer:
        view = {
            "id": "V01MODAL",
            "type": "modal",
            "callback_id": callback_id,
            "private_metadata": metadata,
            "hash": "h1",
            "state": {"values": values},
        }
        return self.interactive(
            {
                "type": "view_submission",
                "team": {"id": TEAM},
                "user": {"id": user, "team_id": TEAM},
                "api_app_id": "A01ACCESS",
                "trigger_id": f"trig.{uuid.uuid4().hex[:8]}",
                "view": view,
            }
        )

    def home_click(self, user: str, action_id: str, value: str | None = None) -> Answer:
        """A click on a button in the user's App Home (no channel: answers go to the DM)."""
        return self.interactive(
            {
                "type": "block_actions",
                "team": {"id": TEAM},
                "user": {"id": user, "team_id": TEAM},
                "trigger_id": f"trig.{uuid.uuid4().hex[:8]}",
                "container": {"type": "view", "view_id": "V01HOME"},
                "view": {"id": "V01HOME", "type": "home", "hash": "h"},
                "actions": [
                    {"type": "button", "action_id": action_id, "block_id": "b", "value": value}
                ],
            }
        )
