"""The find tools: from what the user typed to ranked candidate ids, never a guess.

Each tool is a thin wrapper over a `match_*` helper the offline model may also call on
a span of text. A helper answers `Matches`: "exact" (one clear winner: use it; the
confirmation card still shows it by name), "ambiguous" (several fit, or only a near
spelling does: ask) or "none" (with close names, where useful, to suggest).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from typing import Any

from pydantic import Field

from domain.ids import key
from domain.model.directory import Directory
from tools.base import Candidate, Tool, ToolContext, ToolModel
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


# --- the tools -------------------------------------------------------------------------
class _Found(ToolModel):
    match: MatchKind = Field(
        description='"exact": the first candidate is the one meant; use its id. '
        '"ambiguous": several fit, or only a near spelling does; ask the user to pick '
        'from the candidates. "none": nothing fits; say so (and offer did_you_mean, if any).'
    )
    note: str = Field(default="", description="Why something is missing or left out.")


def _limit() -> Any:
    return Field(default=5, ge=1, le=20, description="The most candidates to return.")


class FindPeopleInput(ToolModel):
    query: str = Field(
        description="What the user wrote for the person: a full, first or last name, an "
        'email, a Slack mention such as "<@U123ABC>", a Slack user id, "me", or "my manager".'
    )
    include_terminated: bool = Field(
        default=True, description="Also return people who have left (flagged active=false)."
    )
    limit: int = _limit()


class PersonCandidate(Candidate):
    active: bool = Field(description="False for someone who has left (status terminated).")


class FindPeopleOutput(_Found):
    candidates: list[PersonCandidate]


def find_people(ctx: ToolContext, inp: FindPeopleInput) -> FindPeopleOutput:
    """Find people in the org directory from what the user typed: a name (typos are
    fine), an email, a Slack mention or user id, "me" (the requester) or "my manager".
    Each candidate's id is the person id (their email) for later tools; the detail shows
    title and department, and whether they have left. Use the id only when match is
    "exact"; when "ambiguous", ask which person is meant, showing labels and details.
    People who have left are listed and flagged, so you can say why they cannot be used."""
    d = ctx.directory
    found = match_person(
        d, inp.query, ctx.requester_id, include_terminated=inp.include_terminated, limit=inp.limit
    )
    return FindPeopleOutput(
        match=found.match,
        note=found.note,
        candidates=[_person(d, h) for h in found.hits],
    )


def _person(d: Directory, hit: Hit) -> PersonCandidate:
    p = d.person(hit.id)
    assert p is not None, hit.id
    status = None if p.active else "terminated"
    detail = " · ".join(x for x in (p.title, p.department, status) if x)
    return PersonCandidate(id=p.id, label=p.name, score=hit.score, detail=detail, active=p.active)


class FindJobTitlesInput(ToolModel):
    query: str = Field(
        description='The job title as the user put it, e.g. "new SREs", "backend engineers".'
    )
    limit: int = _limit()


class FindJobTitlesOutput(_Found):
    candidates: list[Candidate]


def find_job_titles(ctx: ToolContext, inp: FindJobTitlesInput) -> FindJobTitlesOutput:
    """Find a job title used in the org from loose wording: plurals, abbreviations and
    initialisms ("new SREs", "backend engineers", "senior backend eng"). The id is the
    title exactly as the directory writes it: pass it on as the job title reference.
    The detail says how many active people hold it and whether it has a standard set
    of access. Ask the user when match is "ambiguous"."""
    d = ctx.directory
    found = match_title(d, inp.query, limit=inp.limit)
    return FindJobTitlesOutput(
        match=found.match, note=found.note, candidates=[_title(d, h) for h in found.hits]
    )


def _title(d: Directory, hit: Hit) -> Candidate:
    active = sum(p.active for p in d.people_by_title.get(key(hit.id), []))
    detail = f"{active} active {'person' if active == 1 else 'people'}"
    if d.title_bundle(hit.id) is not None:
        detail += " · has a standard access set"
    return Candidate(id=hit.id, label=hit.id, score=hit.score, detail=detail)


class FindRolesInput(ToolModel):
    query: str = Field(description='The role as the user put it, e.g. "backend on-call".')
    limit: int = _limit()


class FindRolesOutput(_Found):
    candidates: list[Candidate]


def find_roles(ctx: ToolContext, inp: FindRolesInput) -> FindRolesOutput:
    """Find a named access role (a bundle of entitlements, e.g. "Backend on-call") by its
    id or name. The detail lists what the role grants. Use an "exact" match's id as the
    role reference; ask the user when "ambiguous"."""
    d = ctx.directory
    found = match_role(d, inp.query, limit=inp.limit)
    return FindRolesOutput(
        match=found.match, note=found.note, candidates=[_role(d, h) for h in found.hits]
    )


def _role(d: Directory, hit: Hit) -> Candidate:
    role = d.role(hit.id)
    assert role is not None, hit.id
    grants = ", ".join(entitlement_label(d, e) for e in role.entitlements)
    return Candidate(id=role.id, label=role.name, score=hit.score, detail=f"Grants: {grants}")


class FindApplicationsInput(ToolModel):
    query: str = Field(description='The application as the user put it, e.g. "gh", "AWS prod".')
    limit: int = _limit()


class AppCandidate(Candidate):
    requestable: bool = Field(description="False: access to it is never offered here.")


class FindApplicationsOutput(_Found):
    candidates: list[AppCandidate]
    did_you_mean: list[str] = Field(
        default_factory=list, description="When match is none: the closest app names."
    )


def find_applications(ctx: ToolContext, inp: FindApplicationsInput) -> FindApplicationsOutput:
    """Find applications by id, name or alias; small typos are tolerated ("githbu").
    Each candidate says whether it is requestable: never offer access to an application
    that is not. When match is "none", did_you_mean holds the closest app names to
    suggest instead."""
    d = ctx.directory
    found = match_app(d, inp.query, limit=inp.limit)
    return FindApplicationsOutput(
        match=found.match,
        note=found.note,
        candidates=[_app(d, h) for h in found.hits],
        did_you_mean=[a.name for i in found.suggestions if (a := d.app(i))],
    )


def _app(d: Directory, hit: Hit) -> AppCandidate:
    app = d.app(hit.id)
    assert app is not None, hit.id
    parts = [f"{len(app.entitlements)} entitlements"]
    if app.aliases:
        parts.append("also called " + ", ".join(app.aliases))
    if not app.requestable:
        parts.append("not requestable")
    return AppCandidate(
        id=app.id,
        label=app.name,
        score=hit.score,
        detail=" · ".join(parts),
        requestable=app.requestable,
    )


class FindEntitlementsInput(ToolModel):
    query: str = Field(
        description='The access as the user put it: app and level in any order ("github '
        'write", "admin on aws prod", "push access to gh"), an entitlement id '
        '("github:write"), a level alias ("contributor"), or just an app ("github").'
    )
    include_unrequestable: bool = Field(
        default=False,
        description="Also return entitlements that are never requestable (flagged).",
    )
    limit: int = _limit()


class EntitlementCandidate(Candidate):
    app_id: str = Field(description="The application this entitlement belongs to.")
    privileged: bool = Field(description="Privileged access: say so when offering it.")
    requestable: bool = Field(description="False: never offer it.")


class FindEntitlementsOutput(_Found):
    candidates: list[EntitlementCandidate]
    did_you_mean: list[str] = Field(
        default_factory=list, description='When match is none: close "App · Level" labels.'
    )


def find_entitlements(ctx: ToolContext, inp: FindEntitlementsInput) -> FindEntitlementsOutput:
    """Find entitlements (access levels within an application) from the user's words:
    app and level in any order ("github write", "admin on aws prod", "aws prod admin",
    "push access to gh"), an entitlement id ("github:write") or a level alias
    ("contributor"). An app named alone returns all its entitlements to choose from
    (match "ambiguous" unless it has only one). Only requestable entitlements are
    returned unless include_unrequestable is true; privileged ones are flagged. Use the
    id of an "exact" match; otherwise ask the user to pick from the candidates."""
    d = ctx.directory
    found = match_entitlement(
        d, inp.query, include_unrequestable=inp.include_unrequestable, limit=inp.limit
    )
    return FindEntitlementsOutput(
        match=found.match,
        note=found.note,
        candidates=[_entitlement(d, h) for h in found.hits],
        did_you_mean=[entitlement_label(d, e) for e in found.suggestions],
    )


def _entitlement(d: Directory, hit: Hit) -> EntitlementCandidate:
    ent = d.entitlement(hit.id)
    app = d.app_of.get(key(hit.id))
    assert ent is not None and app is not None, hit.id
    flags = (
        "privileged" if ent.privileged else None,
        None if app.requestable else "not requestable",
    )
    detail = " · ".join(x for x in (app.name, ent.description, *flags) if x)
    return EntitlementCandidate(
        id=ent.id,
        label=f"{app.name} · {ent.name}",
        score=hit.score,
        detail=detail,
        app_id=app.id,
        privileged=ent.privileged,
        requestable=app.requestable,
    )


FIND_PEOPLE = Tool("find_people", find_people, FindPeopleInput, FindPeopleOutput)
FIND_JOB_TITLES = Tool("find_job_titles", find_job_titles, FindJobTitlesInput, FindJobTitlesOutput)
FIND_ROLES = Tool("find_roles", find_roles, FindRolesInput, FindRolesOutput)
FIND_APPLICATIONS = Tool(
    "find_applications", find_applications, FindApplicationsInput, FindApplicationsOutput
)
FIND_ENTITLEMENTS = Tool(
    "find_entitlements", find_entitlements, FindEntitlementsInput, FindEntitlementsOutput
)
FIND_TOOLS = (FIND_PEOPLE, FIND_JOB_TITLES, FIND_ROLES, FIND_APPLICATIONS, FIND_ENTITLEMENTS)
