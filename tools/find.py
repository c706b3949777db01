"""From what the user typed to ranked candidate ids, never a guess: the `match_*` helpers.

The proposal builder, the chat and the find tools (`tools/finders.py`) call them, the
offline model on a span of text. A helper answers `Matches`: "exact" (one clear winner: use it; the
confirmation card still shows it by name), "ambiguous" (several fit, or only a near
spelling does: ask) or "none" (with close names, where useful, to suggest).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from typing import Any

from domain.ids import key
from domain.model.directory import Directory
from tools.matching import (
    TYPO_ACCEPT,
    Hit,
    MatchKind,
    NameIndex,
    Tier,
    best_tier,
    decide,
    loose,
    merge,
    name_index,
    normalize,
    title_form,
)


@dataclass(frozen=True)
class Matches:
    match: MatchKind
    hits: tuple[Hit, ...]  # best first; exactly one when match is "exact"
    note: str = ""
    suggestions: tuple[str, ...] = ()  # ids of close names, when match is "none"

    @property
    def id(self) -> str | None:
        """The id to use without asking, or None."""
        return self.hits[0].id if self.match == "exact" else None


def _finish(
    hits: Iterable[Hit], *, limit: int, note: str = "", tiebreak: Callable[[str], Any] = str
) -> Matches:
    ranked = sorted(hits, key=lambda h: (-h.tier, -h.score, tiebreak(h.id)))
    kind = decide(ranked)
    return Matches(kind, tuple(ranked[:1] if kind == "exact" else ranked[:limit]), note)


def _exact(item_id: str) -> Hit:
    return Hit(item_id, 100.0, Tier.EXACT)


# --- people ----------------------------------------------------------------------------
SELF_WORDS = frozenset({"me", "myself", "i", "self", "me myself", "i myself"})
MANAGER_WORDS = frozenset(
    {"my manager", "my boss", "my line manager", "my supervisor", "my lead", "my mgr"}
)
# Used whole (fullmatch); written so a search would be linear too (rule 7).
_MENTION = re.compile(r"<@([UW][A-Z0-9]+)(?:\|([^<>]*))?>", re.IGNORECASE)
_SLACK_ID = re.compile(r"[UW][A-Z0-9]{2,}")
_EMAIL = re.compile(r"(?<![^@\s])[^@\s]+@[^@\s]+")


def match_person(
    directory: Directory,
    text: str,
    requester_id: str | None = None,
    *,
    include_terminated: bool = True,
    limit: int = 5,
) -> Matches:
    """Who `text` names: a name (typos allowed), an email, a Slack mention or id, "me"
    (the requester) or "my manager" (the requester's manager)."""
    query = text.strip().removeprefix("@").strip()
    hits, note = _person_hits(directory, query, requester_id, limit)
    if not include_terminated:
        left = [h for h in hits if not _is_active(directory, h.id)]
        hits = [h for h in hits if _is_active(directory, h.id)]
        if left:
            names = ", ".join(_person_name(directory, h.id) for h in left)
            note = note or f"Left out because no longer active: {names}."
    return _finish(
        hits,
        limit=limit,
        note=note,
        tiebreak=lambda i: (not _is_active(directory, i), _person_name(directory, i)),
    )


def _person_hits(
    d: Directory, text: str, requester_id: str | None, limit: int
) -> tuple[list[Hit], str]:
    if mention := _MENTION.fullmatch(text):
        return _mention_hits(d, mention[1].upper(), mention[2] or "", limit)
    if _SLACK_ID.fullmatch(text) and text in d.by_slack_id:
        return [_exact(d.by_slack_id[text].id)], ""
    if _EMAIL.fullmatch(text):
        return name_index(d).emails.search(text, limit=limit), ""
    form = normalize(text)
    if form in SELF_WORDS or form in MANAGER_WORDS:
        return _relative_hits(d, requester_id, manager=form in MANAGER_WORDS)
    return name_index(d).people.search(text, limit=2 * limit), ""


def _mention_hits(d: Directory, slack_id: str, label: str, limit: int) -> tuple[list[Hit], str]:
    person = d.by_slack_id.get(slack_id)
    if person is not None:
        return [_exact(person.id)], ""
    note = f"Slack user {slack_id} is not linked to anyone in the org directory."
    if not label.strip():
        return [], note
    hits = name_index(d).people.search(label, limit=2 * limit)
    note += " These candidates match the display name only: confirm with the user."
    return [h.capped(Tier.FUZZY, TYPO_ACCEPT - 8) for h in hits], note


def _relative_hits(
    d: Directory, requester_id: str | None, *, manager: bool
) -> tuple[list[Hit], str]:
    me = d.person(requester_id) if requester_id else None
    if me is None:
        return [], "The requester is not in the org directory."
    if not manager:
        return [_exact(me.id)], ""
    boss = d.manager_of(me.id)
    if boss is None:
        return [], f"{me.name} has no manager on record."
    return [_exact(boss.id)], ""


def _is_active(d: Directory, person_id: str) -> bool:
    person = d.person(person_id)
    return person is not None and person.active


def _person_name(d: Directory, person_id: str) -> str:
    person = d.person(person_id)
    return person.name if person else person_id


# --- job titles, roles, applications ---------------------------------------------------
TITLE_FILLER = frozenset(
    title_form(
        "new the a an all our other same as like access people person folks team members"
        " hires every any standard typical usual for of s that those these what who"
    ).split()
)
ROLE_FILLER = frozenset(loose("role the a an access like same as bundle set").split())
APP_FILLER = frozenset(
    normalize("the app application access to tool account my our in on for please").split()
)


def match_title(directory: Directory, text: str, *, limit: int = 5) -> Matches:
    """A job title as the directory writes it, from loose words ("new SREs")."""
    titles = name_index(directory).titles
    return _finish(titles.search(text, filler=TITLE_FILLER, limit=2 * limit), limit=limit)


def match_role(directory: Directory, text: str, *, limit: int = 5) -> Matches:
    """A role by id or name ("backend oncall")."""
    roles = name_index(directory).roles
    return _finish(roles.search(text, filler=ROLE_FILLER, limit=2 * limit), limit=limit)


def match_app(directory: Directory, text: str, *, limit: int = 5) -> Matches:
    """An application by id, name or alias, typos allowed; close names when none fits."""
    apps = name_index(directory).apps
    found = _finish(apps.search(text, filler=APP_FILLER, limit=2 * limit), limit=limit)
    if found.match != "none":
        return found
    return Matches("none", (), suggestions=tuple(apps.suggest(text)))


# --- entitlements ----------------------------------------------------------------------
ENT_FILLER = frozenset(
    normalize(
        "access to on in for the a an of at with level role rights right permission"
        " permissions privilege privileges please need needs want give get me i my our"
        " repo repository account"
    ).split()
)


@dataclass(frozen=True)
class _Span:
    """Words [start, end) of the query name an application."""

    start: int
    end: int
    app: Hit


def match_entitlement(
    directory: Directory, text: str, *, include_unrequestable: bool = False, limit: int = 5
) -> Matches:
    """An entitlement from "app + level" words in either order ("admin on aws prod"), an
    id ("github:write") or an alias ("contributor"). An app alone yields all its
    entitlements: exact only when it has one."""
    d = directory
    ent = d.entitlement(text.strip())
    words = [w for w in normalize(text).split() if w not in ENT_FILLER]
    hits, note = ([_exact(ent.id)], "") if ent else _entitlement_hits(d, words, limit)
    kept = hits if include_unrequestable else [h for h in hits if d.is_requestable(h.id)]
    note = _unrequestable_note(d, hits, kept) or note
    found = _finish(kept, limit=limit, note=note, tiebreak=_position(d))
    if found.match == "exact" and decide(hits) == "ambiguous":
        # "admin" when only one admin is requestable: the user may mean another one.
        return replace(found, match="ambiguous")
    if found.match != "none" or note or not words:
        return found
    close = name_index(d).entitlements.suggest(" ".join(words), limit=5)
    suggestions = [e for e in close if include_unrequestable or d.is_requestable(e)]
    return replace(found, suggestions=tuple(suggestions[:3]))


def entitlement_label(directory: Directory, entitlement_id: str) -> str:
    ent = directory.entitlement(entitlement_id)
    app = directory.app_of.get(key(entitlement_id))
    return f"{app.name} · {ent.name}" if ent and app else entitlement_id


def _entitlement_hits(d: Directory, words: list[str], limit: int) -> tuple[list[Hit], str]:
    """Levels within each app the words name; the words read as a level or alias alone
    unless an app was named for sure along with other words."""
    if not words:
        return [], ""
    idx = name_index(d)
    found: dict[str, Hit] = {}
    named, misses = False, []
    for span in _app_spans(idx, words):
        rest = words[: span.start] + words[span.end :]
        levels = _level_hits(idx, span, rest)
        merge(found, levels or _all_levels(idx, span.app, Tier.FUZZY, 0.5))
        if span.app.tier >= Tier.WORDS and rest:
            named = True
            app = d.app(span.app.id)
            if not levels and app is not None:
                misses.append(f'{app.name} has no access level like "{" ".join(rest)}"')
    if not named:
        # A level alone ("read") is only a match when no other entitlement has that
        # word: every exact name or alias competes with the whole-word hits.
        alone = idx.entitlements.search(" ".join(words), both=True, limit=2 * limit)
        merge(found, (h.capped(Tier.WORDS, 100.0) for h in alone))
    if misses and best_tier(found.values()) == Tier.FUZZY:
        return list(found.values()), "; ".join(misses) + "; its levels are listed instead."
    return list(found.values()), ""


def _app_spans(idx: NameIndex, words: list[str]) -> list[_Span]:
    """Where the query names an app: exact or whole-word spans, else near spellings."""
    spans = _spans(idx, words, fuzzy=False) or _spans(idx, words, fuzzy=True)
    kept: list[_Span] = []
    for s in sorted(spans, key=lambda s: (-s.app.tier, s.start - s.end, s.start, -s.app.score)):
        if all(_same_or_apart(s, k) for k in kept):
            kept.append(s)
    return kept


def _spans(idx: NameIndex, words: list[str], *, fuzzy: bool) -> list[_Span]:
    spans = []
    for n in range(min(len(words), idx.app_words), 0, -1):
        for i in range(len(words) - n + 1):
            phrase = " ".join(words[i : i + n])
            if fuzzy and len(phrase) < 3:
                continue
            spans += [_Span(i, i + n, h) for h in idx.apps.search(phrase, fuzzy=fuzzy, limit=3)]
    return spans


def _same_or_apart(a: _Span, b: _Span) -> bool:
    return (a.start, a.end) == (b.start, b.end) or a.end <= b.start or b.end <= a.start


def _level_hits(idx: NameIndex, span: _Span, rest: list[str]) -> list[Hit]:
    """The app's entitlements the other words name; all of them when no words are left
    (a choice to offer)."""
    app = span.app
    if not rest:
        return _all_levels(idx, app, min(app.tier, Tier.WORDS), 0.9)
    levels = idx.levels[key(app.id)]
    return [h.capped(app.tier, app.score) for h in levels.search(" ".join(rest), limit=5)]


def _all_levels(idx: NameIndex, app: Hit, tier: Tier, weight: float) -> list[Hit]:
    return [Hit(e, round(app.score * weight, 1), tier) for e in idx.levels[key(app.id)].ids]


def _unrequestable_note(d: Directory, hits: list[Hit], kept: list[Hit]) -> str:
    """Name what was left out, unless it only matched worse than what is offered."""
    floor = best_tier(kept)
    bar = None if floor is None else max(floor, Tier.WORDS)
    left = [h for h in hits if h not in kept and (bar is None or h.tier >= bar)]
    if not left:
        return ""
    labels = ", ".join(entitlement_label(d, h.id) for h in left)
    return f"Matched but never requestable, so left out: {labels}."


def _position(d: Directory) -> Callable[[str], int]:
    order = d.entitlement_position
    return lambda ent_id: order.get(key(ent_id), len(order))
