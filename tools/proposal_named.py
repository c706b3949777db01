"""Entitlements named in words: "github write", "jira", "admin on aws prod".

Used for custom asks, for revokes (within what the beneficiary holds), and to narrow
an access-like diff ("just github and jira"). An app named alone means every
candidate of that app within the pool, or a question when there is no pool.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from domain.ids import key
from tools.base import Candidate, ToolContext
from tools.find import Matches, entitlement_label, match_app, match_entitlement
from tools.matching import TYPO_ACCEPT, Tier
from tools.proposal_models import LeftOut, Proposal, ProposalInput


def resolve_named(
    ctx: ToolContext,
    inp: ProposalInput,
    p: Proposal,
    pool: list[str] | None,
    *,
    refuse: Callable[..., Exception],
    ask: Callable[..., None],
) -> list[str] | None:
    d = ctx.directory
    assert p.beneficiary is not None or pool is None
    held = d.held_by(p.beneficiary.id, at=ctx.now) if p.beneficiary else set()
    if p.kind == "revoke":
        pool = sorted(held, key=lambda e: d.entitlement_position.get(key(e), 0))
    if not inp.entitlements:
        if p.kind == "revoke" and pool:
            ask(
                p,
                "entitlements",
                "what_to_revoke",
                "Which access should be removed?",
                choices=_choices(ctx, pool),
                multiple=True,
            )
            return None
        ask(p, "entitlements", "what_access", "What access do you need?")
        return None
    chosen: list[str] = []
    complete = True
    for text in inp.entitlements:
        found = _one(ctx, text, pool, held, p, refuse=refuse, ask=ask)
        if found is None:
            complete = False
        else:
            chosen.extend(e for e in found if e not in chosen)
    if not complete:
        return None
    return _drop_held(ctx, p, chosen, held, refuse) if p.kind == "grant" else chosen


def _one(
    ctx: ToolContext,
    text: str,
    pool: list[str] | None,
    held: set[str],
    p: Proposal,
    *,
    refuse: Callable[..., Exception],
    ask: Callable[..., None],
) -> list[str] | None:
    d = ctx.directory
    m = match_entitlement(d, text, include_unrequestable=True)
    ids = [h.id for h in m.hits]
    if m.hits and all(h.tier is Tier.FUZZY and h.score < TYPO_ACCEPT - 5 for h in m.hits):
        m = Matches("none", ())  # a faint likeness is no match: say what we have instead
    if m.match == "none":
        app = match_app(d, text)
        if app.id is None:
            hint = ", ".join(_app_name(ctx, s) for s in app.suggestions[:3])
            tail = f" Did you mean {hint}?" if hint else ""
            raise refuse(
                "unknown_app",
                f'I couldn\'t find "{text}" among our apps.{tail}',
                [Candidate(id=s, label=_app_name(ctx, s), score=0) for s in app.suggestions[:3]],
            )
        ids = [e.id for e in d.apps[key(app.id)].entitlements]
    exact = m.match == "exact"
    if pool is not None and not exact:
        apps = _apps_named(ctx, text)  # "same aws access as Ben": AWS Dev and AWS Prod
        in_apps = [e for e in pool if key(d.app_of[key(e)].id) in apps]
        if in_apps:
            return in_apps
    if pool is not None:
        inside = [i for i in ids if i in pool]
        if inside and (exact or _one_app(ctx, ids)):
            return inside
        if p.kind == "revoke":
            raise refuse("not_held", f"{_who(p)} no {_labels(ctx, ids[:1] or [text])} to remove.")
        if exact:
            return _outside_pool(ctx, p, ids, held, refuse)
        return _outside_pool(ctx, p, ids, held, refuse) if _one_app(ctx, ids) else None
    if exact:
        return ids
    return _pick(ctx, text, ids, held, p, ask)


def _apps_named(ctx: ToolContext, text: str) -> set[str]:
    """The apps a word names equally well when it names several ("aws"), by key."""
    found = match_app(ctx.directory, text)
    if found.match != "ambiguous" or not found.hits:
        return set()
    best = max(h.score for h in found.hits)
    return {key(h.id) for h in found.hits if h.score == best and h.tier is not Tier.FUZZY}


def _pick(
    ctx: ToolContext,
    text: str,
    ids: list[str],
    held: set[str],
    p: Proposal,
    ask: Callable[..., None],
) -> list[str] | None:
    d = ctx.directory
    if _one_app(ctx, ids):
        app = d.app_of[key(ids[0])]
        ids = [e.id for e in app.entitlements]
        open_ids = [e for e in ids if e not in held and d.is_requestable(e)]
        if len(open_ids) == 1:
            return open_ids
        if open_ids:
            ask(
                p,
                "entitlements",
                "choose_level",
                f"Which {app.name} access do you need?",
                choices=_choices(ctx, open_ids),
            )
            return None
        return ids  # all held or none requestable: the checks after say so
    ask(
        p,
        "entitlements",
        "ambiguous_entitlement",
        f'Which access do you mean by "{text}"?',
        choices=_choices(ctx, ids),
    )
    return None


def _outside_pool(
    ctx: ToolContext, p: Proposal, ids: list[str], held: set[str], refuse: Callable[..., Exception]
) -> list[str]:
    ref = p.access_like.label if p.access_like else "that reference"
    if all(i in held for i in ids):
        raise refuse("already_held", f"{_who(p)} {_labels(ctx, ids)} already.")
    raise refuse(
        "not_in_reference",
        f"{ref} doesn't have {_labels(ctx, ids)} to copy; ask for it by name instead.",
    )


def _drop_held(
    ctx: ToolContext,
    p: Proposal,
    chosen: list[str],
    held: set[str],
    refuse: Callable[..., Exception],
) -> list[str]:
    d = ctx.directory
    for ent_id in chosen:
        if not d.is_requestable(ent_id):
            app = d.app_of[key(ent_id)]
            raise refuse(
                "not_requestable",
                f"{app.name} access can't be requested through me; its owners manage it directly.",
            )
    fresh = [e for e in chosen if e not in held]
    if not fresh:
        raise refuse("already_held", f"{_who(p)} {_labels(ctx, chosen)} already.")
    p.left_out.extend(
        LeftOut(entitlement_id=e, label=entitlement_label(d, e), why="already held")
        for e in chosen
        if e in held
    )
    return fresh


def _one_app(ctx: ToolContext, ids: list[str]) -> bool:
    return len({key(ctx.directory.app_of[key(i)].id) for i in ids}) == 1 if ids else False


def _choices(ctx: ToolContext, ids: list[str]) -> list[Candidate]:
    return [Candidate(id=e, label=entitlement_label(ctx.directory, e), score=100) for e in ids]


def _labels(ctx: ToolContext, ids: list[Any]) -> str:
    return ", ".join(entitlement_label(ctx.directory, str(i)) for i in ids)


def _app_name(ctx: ToolContext, app_id: str) -> str:
    app = ctx.directory.app(app_id)
    return app.name if app else app_id


def _who(p: Proposal) -> str:
    """ "You have" / "Priya Raman has", to start a sentence about what someone holds."""
    if p.beneficiary is None or p.beneficiary.id == p.requester.id:
        return "You have"
    return f"{p.beneficiary.name} has"
