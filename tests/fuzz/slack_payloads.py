"""Hypothesis strategies for what can arrive at /slack/events: Slack's payloads of every
kind the app handles (events, url_verification, slash commands, block actions, view
submissions and closings, options), well-formed or bent (a key dropped, a value of
another type, nesting, garbage bytes). `signing` makes the headers.

`Places` carries what a payload can point at so that some clicks land on real things
(the seeded requests, the conversations' threads, the people in the org).
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from hypothesis import strategies as st

from slack_app.blocks.ids import Action
from slack_app.testing.slack_api import TEAM, demo_users, dm_channel

JSON = "application/json"
FORM = "application/x-www-form-urlencoded"
PEOPLE = ["U01ALEX", "U01DANA", "U01VICTOR", "U01OMAR", "U01BEN", "U02KAI"]  # who acts most
KINDS = ["event", "event", "command", "interaction", "interaction", "interaction", "url", "garbage"]


@dataclass(frozen=True)
class Places:
    requests: list[str]  # ids of requests in the store
    threads: list[str]  # agent conversation threads


@dataclass(frozen=True)
class Body:
    kind: str
    content: bytes
    content_type: str


short = st.text(max_size=12)
scalars = st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | short
json_values = st.recursive(
    scalars,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(short, inner, max_size=3),
    max_leaves=8,
)
users = st.sampled_from(PEOPLE) | st.sampled_from([u.id for u in demo_users()]) | short
days = st.dates().map(str) | st.sampled_from(["2026-13-45", "2026-02-30", "9999-12-31", "x"])
words = st.sampled_from(
    ["github write for 3 days", "same access as Priya", "what do I have", "all of them", ""]
) | st.text(max_size=80)
action_ids = st.sampled_from([a.value for a in Action]) | st.builds(
    lambda a, rest: "|".join([a, *rest]),
    st.sampled_from([Action.CHOOSE_CANDIDATE, Action.PICK_APPROVER, Action.CHOICES]),
    st.lists(short, max_size=4),
)


def ids(places: Places) -> st.SearchStrategy[str]:
    """A button value: a request id, a thread (with a fingerprint), or anything."""
    threads = st.sampled_from(places.threads or ["t"])
    return (
        st.sampled_from(places.requests or ["AR-1"])
        | threads
        | st.builds(lambda t, f: f"{t}|{f}", threads, short)
        | short
    )


def option() -> st.SearchStrategy[dict[str, Any]]:
    return st.builds(
        lambda v, t: {"text": {"type": "plain_text", "text": t}, "value": v}, short, short
    )


def inputs(places: Places) -> st.SearchStrategy[dict[str, Any]]:
    """A view's or message's `state.values`: block -> action -> element state."""
    element = st.fixed_dictionaries(
        {"type": st.sampled_from(["datepicker", "static_select", "plain_text_input"])},
        optional={
            "selected_date": days | st.none(),
            "selected_option": option() | st.none(),
            "selected_options": st.lists(option(), max_size=3),
            "value": words | ids(places) | st.none(),
        },
    )
    block = action_ids
    return st.dictionaries(block, st.builds(lambda a, e: {a: e}, action_ids, element), max_size=4)


def event(places: Places) -> st.SearchStrategy[dict[str, Any]]:
    dm = st.builds(
        lambda u, text: {
            "type": "message",
            "channel": dm_channel(u),
            "channel_type": "im",
            "user": u,
            "text": text,
            "ts": f"{time.time():.6f}",
        },
        users,
        words,
    )
    home = st.builds(
        lambda u, tab: {"type": "app_home_opened", "user": u, "tab": tab},
        users,
        st.sampled_from(["home", "messages"]),
    )
    inner = dm | home | st.builds(lambda t: {"type": t}, short)
    return st.builds(
        lambda e, eid: {
            "type": "event_callback",
            "team_id": TEAM,
            "event_id": f"Ev{eid}",
            "event": e,
            "authorizations": [{"team_id": TEAM, "user_id": "UBOT", "is_bot": True}],
            "is_ext_shared_channel": False,
        },
        inner,
        st.uuids().map(lambda u: u.hex[:12]),
    )


def command() -> st.SearchStrategy[dict[str, Any]]:
    return st.builds(
        lambda u, text: {
            "team_id": TEAM,
            "channel_id": "C01GENERAL",
            "user_id": u,
            "command": "/access",
            "text": text,
            "trigger_id": "trig.1",
            "is_enterprise_install": "false",
        },
        users,
        words,
    )


def interaction(places: Places) -> st.SearchStrategy[dict[str, Any]]:
    user = st.builds(lambda u: {"id": u, "team_id": TEAM}, users)
    where = st.sampled_from(
        [
            {"container": {"type": "view", "view_id": "V1"}, "view": {"id": "V1", "type": "home"}},
            {
                "container": {"type": "message", "message_ts": "1.000001", "channel_id": "D01ALEX"},
                "channel": {"id": "D01ALEX"},
            },
        ]
    )
    act = st.fixed_dictionaries(
        {"action_id": action_ids, "type": st.sampled_from(["button", "static_select"])},
        optional={"value": ids(places), "block_id": action_ids, "selected_option": option()},
    )
    actions = st.builds(
        lambda u, w, a, s: {
            "type": "block_actions",
            "team": {"id": TEAM},
            "enterprise": None,
            "is_enterprise_install": False,
            "user": u,
            "trigger_id": "trig.1",
            "state": {"values": s},
            "actions": [a],
            **w,
        },
        user,
        where,
        act,
        inputs(places),
    )
    view = st.builds(
        lambda cb, meta, s: {
            "id": "V2",
            "type": "modal",
            "callback_id": cb,
            "private_metadata": meta,
            "hash": "h",
            "state": {"values": s},
        },
        action_ids,
        ids(places) | st.just('{"like":"custom"}') | short,
        inputs(places),
    )
    submitted = st.builds(
        lambda kind, u, v: {
            "type": kind,
            "team": {"id": TEAM},
            "enterprise": None,
            "user": u,
            "view": v,
        },
        st.sampled_from(["view_submission", "view_closed"]),
        user,
        view,
    )
    options = st.builds(
        lambda u, a, b, q, v: {
            "type": "block_suggestion",
            "user": u,
            "action_id": a,
            "block_id": b,
            "value": q,
            "view": v,
        },
        user,
        action_ids,
        action_ids,
        short,
        view,
    )
    return actions | submitted | options


@st.composite
def bent(draw: st.DrawFn, payload: dict[str, Any]) -> dict[str, Any]:
    """`payload` with one value somewhere dropped or replaced by any JSON value."""
    paths = list(_paths(payload, ()))
    path = draw(st.sampled_from(paths))
    copy: dict[str, Any] = json.loads(json.dumps(payload))
    parent: Any = copy
    for part in path[:-1]:
        parent = parent[part]
    if isinstance(parent, dict) and draw(st.booleans()):
        del parent[path[-1]]
    else:
        parent[path[-1]] = draw(json_values)
    return copy


def _paths(value: Any, at: tuple[Any, ...]) -> Any:
    items = value.items() if isinstance(value, dict) else enumerate(value)
    for key, child in items:
        yield (*at, key)
        if isinstance(child, dict | list) and child:
            yield from _paths(child, (*at, key))


def nested(depth: int) -> bytes:
    return b'{"type": "event_callback", "event": ' + b"[" * depth + b"]" * depth + b"}"


def encode(kind: str, payload: dict[str, Any]) -> Body:
    if kind == "interaction":
        return Body(kind, urlencode({"payload": json.dumps(payload)}).encode(), FORM)
    if kind == "command":
        return Body(kind, urlencode(payload).encode(), FORM)
    return Body(kind, json.dumps(payload).encode(), JSON)


@st.composite
def bodies(draw: st.DrawFn, places: Places) -> Body:
    """A body of any kind, well-formed (about half the time) or bent, or garbage."""
    kind = draw(st.sampled_from(KINDS))
    if kind == "garbage":
        raw = draw(st.binary(max_size=200) | json_values.map(lambda v: json.dumps(v).encode()))
        raw = draw(st.just(raw) | st.integers(60, 3000).map(nested))
        return Body(kind, raw, draw(st.sampled_from([JSON, FORM, "text/plain"])))
    payload = {
        "event": event(places),
        "command": command(),
        "interaction": interaction(places),
        "url": st.builds(lambda c: {"type": "url_verification", "challenge": c}, short),
    }[kind]
    drawn = draw(payload)
    if draw(st.booleans()):
        drawn = draw(bent(drawn))
    return encode(kind, drawn)
