"""The find tools: typed input and output over the `match_*` helpers in `tools/find.py`.

The agent resolves names through `build_proposal`; these are the same lookups one at a
time, for code (and people) that want candidates for a single name.
"""

from __future__ import annotations

from typing import Any

from pydantic import Field

from domain.ids import key
from domain.model.directory import Directory
from tools.base import Candidate, ToolContext, ToolModel
from tools.find import (
    entitlement_label,
    match_app,
    match_entitlement,
    match_person,
    match_role,
    match_title,
)
from tools.matching import Hit, MatchKind


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
