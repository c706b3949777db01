"""Rows back into an `OrgData`: the inverse of `snapshot.org_rows`.

Rows arrive sorted by (parent, position); children are grouped under their parent's
key and the whole document is validated once, which is far faster than building
100,000 models one by one.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from domain.model.org import OrgData
from domain.store.snapshot import Row

_HIDDEN = {"key", "position", "app_key", "person_key", "version"}


def _public(row: Row, *drop: str) -> Row:
    return {c: v for c, v in row.items() if c not in _HIDDEN and c not in drop}


def _children(rows: Iterable[Row], parent: str) -> dict[str, list[Row]]:
    grouped: dict[str, list[Row]] = defaultdict(list)
    for row in rows:
        grouped[row[parent]].append(row)
    return grouped


def org_from_rows(tables: dict[str, list[Row]]) -> OrgData:
    """`tables` as read from the store: each list sorted by parent then position."""
    members = _children(tables["group_members"], "group_key")
    ents = _children(tables["entitlements"], "app_key")
    role_ents = _children(tables["role_entitlements"], "role_key")
    title_ents = _children(tables["job_title_entitlements"], "title_key")
    grants = _children(tables["grants"], "identity_key")
    settings = tables["org"][0]
    document: dict[str, Any] = {
        "org": _public(settings, "id"),
        "people": [_public(p) for p in tables["people"]],
        "groups": {g["name"]: [m["person"] for m in members[g["key"]]] for g in tables["groups"]},
        "applications": [
            {**_public(a), "entitlements": [_public(e) for e in ents[a["key"]]]}
            for a in tables["applications"]
        ],
        "roles": [
            {**_public(r), "entitlements": [e["entitlement"] for e in role_ents[r["key"]]]}
            for r in tables["roles"]
        ],
        "job_titles": {
            t["title"]: [e["entitlement"] for e in title_ents[t["key"]]]
            for t in tables["job_titles"]
        },
        "identities": [
            {
                "app": i["app"],
                "username": i["username"],
                "person": i["person"],
                "kind": i["kind"],
                "grants": [
                    {"entitlement": g["entitlement"], "expires": g["expires"]}
                    for g in grants[i["key"]]
                ],
            }
            for i in tables["identities"]
        ],
    }
    return OrgData.model_validate(document)
