"""A large access-like diff, by app: "same access as X" proposes every item at once
(docs/specs/conversation.md §1) unless there are more than `MAX_AT_ONCE`; then the
requester first picks apps, each listed with how many items it brings."""

from __future__ import annotations

from domain.ids import key
from tools.base import Candidate, ToolContext

MAX_AT_ONCE = 20


def app_choices(ctx: ToolContext, entitlement_ids: list[str]) -> list[Candidate]:
    """The diff's apps in order of first appearance, labelled "GitHub (3)"."""
    counts: dict[str, int] = {}
    for ent_id in entitlement_ids:
        app_id = ctx.directory.app_of[key(ent_id)].id
        counts[app_id] = counts.get(app_id, 0) + 1
    return [
        Candidate(id=app_id, label=f"{_name(ctx, app_id)} ({n})", score=100)
        for app_id, n in counts.items()
    ]


def in_apps(ctx: ToolContext, entitlement_ids: list[str], apps: list[str]) -> list[str]:
    """The diff narrowed to the picked apps (by id); an unknown id picks nothing."""
    wanted = {key(a) for a in apps}
    return [e for e in entitlement_ids if key(ctx.directory.app_of[key(e)].id) in wanted]


def _name(ctx: ToolContext, app_id: str) -> str:
    app = ctx.directory.app(app_id)
    return app.name if app else app_id
