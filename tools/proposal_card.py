"""What every change to an open card shares: finding the items a change names, and
working the card out again (ends, routes, warnings) once its items changed."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from domain.ids import key
from domain.model.durations import DurationAsk
from tools.base import ToolContext
from tools.duration import asked
from tools.find import entitlement_label, match_app, match_entitlement
from tools.matching import TYPO_ACCEPT, Tier
from tools.proposal import Refused, routes
from tools.proposal_ends import set_ends
from tools.proposal_models import Proposal, ProposedItem
from tools.proposal_notes import warnings


class Cant(Exception):
    """A change that cannot be applied: the card stays as it was; the message says why."""


@dataclass
class Step:
    card: Proposal
    said: str = ""
    missed: list[str] = field(default_factory=list)


_ORDINALS = {
    "first": 1,
    "second": 2,
    "third": 3,
    "fourth": 4,
    "fifth": 5,
    "sixth": 6,
    "seventh": 7,
    "eighth": 8,
    "ninth": 9,
    "tenth": 10,
}
_AROUND = frozenset("the ones one all items item entries both of my".split())
_LONGEST = 200  # an item is named in a few words


def on_card(ctx: ToolContext, p: Proposal, text: str) -> list[ProposedItem]:
    """The card's items `text` names: a number ("1" = first), an app ("the 1password
    ones"), or an entitlement ("datadog standard"). Raises `Cant` when none is on it."""
    words = [w for w in re.findall(r"[\w:.#'-]+", text[:_LONGEST].casefold()) if w not in _AROUND]
    number = _number(words)
    if number is not None:
        if 1 <= number <= len(p.items):
            return [p.items[number - 1]]
        raise Cant(f"The card has no item {number}.")
    clean = " ".join(words)
    if not clean:
        raise Cant(f'I couldn\'t tell which item "{text.strip()}" means.')
    by_id = {key(i.entitlement_id): i for i in p.items}
    found = _by_entitlement(ctx, clean, by_id)
    if found is None:
        found = _by_app(ctx, clean, p)
    if found:
        return found
    raise Cant(f"{_name(ctx, clean, text)} isn't on the card.")


def _number(words: list[str]) -> int | None:
    if len(words) != 1:
        return None
    word = words[0].lstrip("#").removesuffix(".")
    if word.isdigit() and len(word) <= 3:
        return int(word)
    return _ORDINALS.get(word)


def _by_entitlement(
    ctx: ToolContext, text: str, by_id: dict[str, ProposedItem]
) -> list[ProposedItem] | None:
    """Items the entitlement words name; None when the words name no entitlement."""
    m = match_entitlement(ctx.directory, text, include_unrequestable=True)
    hits = [h for h in m.hits if not (h.tier is Tier.FUZZY and h.score < TYPO_ACCEPT - 5)]
    if not hits:
        return None
    found = [by_id[key(h.id)] for h in hits if key(h.id) in by_id]
    if m.match == "exact" and not found:
        return []  # that level, and it is not on the card (another level may be)
    return found or None


def _by_app(ctx: ToolContext, text: str, p: Proposal) -> list[ProposedItem]:
    app = match_app(ctx.directory, text)
    if app.id is None:
        return []
    return [i for i in p.items if key(i.app_id) == key(app.id)]


def _name(ctx: ToolContext, text: str, typed: str) -> str:
    m = match_entitlement(ctx.directory, text, include_unrequestable=True)
    if m.id:
        return entitlement_label(ctx.directory, m.id)
    app = match_app(ctx.directory, text)
    found = ctx.directory.app(app.id) if app.id else None
    return found.name if found else f'"{typed.strip()}"'


def labels(items: list[ProposedItem]) -> str:
    return ", ".join(i.label for i in items)


def finish(
    ctx: ToolContext,
    before: Proposal,
    card: Proposal,
    *,
    ask: DurationAsk | None = None,
) -> Proposal:
    """The card worked out again after its items changed: each new item's end capped
    from the end the requester asked for (`ask`: every item's, when the end changed),
    its routes, its warnings. The earlier card's own notes (e.g. ignored pasted
    instructions) stay. A change never leaves a card with nothing on it."""
    if not card.items:
        raise Cant("That would leave nothing on the card.")
    if card.kind == "grant":
        keep = frozenset() if ask else frozenset(i.entitlement_id for i in before.items)
        ask = ask or (asked(before.duration) if before.duration else None)
        if ask is not None:
            set_ends(ctx, card, ask, keep=keep)
    try:
        card.routes = routes(ctx, card) if card.items and not card.problems else []
    except Refused as refused:
        raise Cant(refused.problem.message) from refused
    ours = set(warnings(ctx, before))
    card.warnings = warnings(ctx, card) + [w for w in before.warnings if w not in ours]
    card.status = "needs_input" if card.problems else "ready"
    return card
