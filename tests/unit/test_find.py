"""The find tools turn typed names into ids, and say "ambiguous" rather than guess."""

from __future__ import annotations

import gc
import json
import os
import weakref
from pathlib import Path
from typing import Any

import pytest

from domain.model.directory import Directory
from domain.model.org import (
    Application,
    Entitlement,
    OrgData,
    OrgSettings,
    Person,
    PersonStatus,
    Role,
)
from domain.orgdata.orgcheck import check_references
from tests.orgs import NOW
from tools.base import ToolContext, ToolModel
from tools.find import (
    match_app,
    match_entitlement,
    match_person,
    match_role,
    match_title,
)
from tools.finders import (
    FindApplicationsInput,
    FindApplicationsOutput,
    FindEntitlementsInput,
    FindEntitlementsOutput,
    FindJobTitlesInput,
    FindJobTitlesOutput,
    FindPeopleInput,
    FindPeopleOutput,
    FindRolesInput,
    FindRolesOutput,
    find_applications,
    find_entitlements,
    find_job_titles,
    find_people,
    find_roles,
)
from tools.matching import name_index, normalize

SNAPSHOT = Path(__file__).parent / "snapshots" / "find_tool_models.json"
ME = "priya.raman@acme.test"


def _person(pid: str, name: str, title: str, **extra: Any) -> Person:
    return Person(id=f"{pid}@acme.test", name=name, title=title, **extra)


def _app(app_id: str, name: str, levels: list[Entitlement], **extra: Any) -> Application:
    return Application(id=app_id, name=name, entitlements=levels, **extra)


def _ent(ent_id: str, name: str, **extra: Any) -> Entitlement:
    return Entitlement(id=ent_id, name=name, **extra)


def _org() -> OrgData:
    eng = {"department": "Engineering", "manager": "dana.kim@acme.test"}
    gone = {**eng, "status": PersonStatus.TERMINATED}
    data = OrgData(
        org=OrgSettings(name="Acme"),
        people=[
            _person("cleo", "Cleo Eo", "CEO", slack_id="U01CLEO"),
            _person("dana.kim", "Dana Kim", "Engineering Manager", manager="cleo@acme.test"),
            _person(
                "priya.raman", "Priya Raman", "Senior Backend Engineer", slack_id="U01PRIYA", **eng
            ),
            _person("priya.shah", "Priya Shah", "Product Manager", department="Product"),
            _person("jose.muller", "José Müller", "Site Reliability Engineer", **eng),
            _person("lukasz.nowak", "Łukasz Nowak", "Security Engineer", **eng),
            _person("mei.lin", "Mei Lin", "Senior Site Reliability Engineer", **eng),
            _person("alex.meyer", "Alex Meyer", "Backend Engineer", **eng),  # no slack id
            _person("tom.becker", "Tom Becker", "Backend Engineer", **gone),
            _person("sam.lee", "Sam Lee", "Backend Engineer", **gone),
            _person("sam.ortiz", "Sam Ortiz", "Security Engineer", **eng),
        ],
        applications=[
            _app(
                "github",
                "GitHub",
                [
                    _ent("github:read", "Read"),
                    _ent(
                        "github:write",
                        "Write",
                        aliases=["push", "contributor"],
                        description="Push to non-protected branches",
                    ),
                    _ent("github:admin", "Admin", privileged=True),
                ],
                aliases=["gh", "git hub"],
            ),
            _app(
                "aws-prod",
                "AWS Production",
                [
                    _ent("aws-prod:read-only", "Read-only"),
                    _ent("aws-prod:power-user", "Power user", privileged=True),
                    _ent("aws-prod:admin", "Admin", privileged=True),
                ],
            ),
            _app("aws-dev", "AWS Development", [_ent("aws-dev:power-user", "Power user")]),
            _app(
                "datadog",
                "Datadog",
                [_ent("datadog:standard", "Standard"), _ent("datadog:admin", "Admin")],
                aliases=["dd"],
            ),
            _app("pagerduty", "PagerDuty", [_ent("pagerduty:responder", "Responder")]),
            _app("okta", "Okta", [_ent("okta:admin", "Admin")], requestable=False),
        ],
        roles=[
            Role(
                id="backend-oncall",
                name="Backend on-call",
                entitlements=["pagerduty:responder", "aws-prod:read-only"],
            ),
            Role(id="security-review", name="Security review", entitlements=["github:read"]),
        ],
        job_titles={"Senior Backend Engineer": ["github:write"]},
    )
    assert check_references(data) == []
    return data


D = Directory(_org())


def _ctx(requester: str = ME) -> ToolContext:
    return ToolContext(directory=D, requester_id=requester, now=NOW)


def _ids(found: Any) -> list[str]:
    return [h.id for h in found.hits]


# --- normalisation and the index -------------------------------------------------------
@pytest.mark.parametrize(
    ("text", "form"),
    [
        ("José  Müller", "jose muller"),
        ("Łukasz NOWAK", "lukasz nowak"),
        ("priya.raman", "priya raman"),
        ("backend on-call!", "backend on call"),
        ("  ", ""),
    ],
)
def test_normalize(text: str, form: str) -> None:
    assert normalize(text) == form


def test_index_is_built_once_and_dies_with_its_directory() -> None:
    directory = Directory(_org())
    assert name_index(directory) is name_index(directory)
    assert name_index(directory) is not name_index(D)
    gone = weakref.ref(directory)
    del directory
    gc.collect()
    assert gone() is None


# --- people ----------------------------------------------------------------------------
P_RAMAN, P_SHAH = "priya.raman@acme.test", "priya.shah@acme.test"


@pytest.mark.parametrize(
    ("query", "match", "ids"),
    [
        ("Priya Raman", "exact", [P_RAMAN]),
        ("  priya   RAMAN ", "exact", [P_RAMAN]),
        ("Raman", "exact", [P_RAMAN]),  # a last name only one person has
        ("Shah", "exact", [P_SHAH]),
        ("Priya", "ambiguous", [P_RAMAN, P_SHAH]),  # a shared first name
        ("Raman Priya", "exact", [P_RAMAN]),
        ("Priya R", "exact", [P_RAMAN]),  # an initial
        ("priya.raman@acme.test", "exact", [P_RAMAN]),
        ("PRIYA.RAMAN@ACME.TEST", "exact", [P_RAMAN]),
        ("priya.raman", "exact", [P_RAMAN]),
        ("<@U01PRIYA>", "exact", [P_RAMAN]),
        ("<@U01PRIYA|priya>", "exact", [P_RAMAN]),
        ("U01PRIYA", "exact", [P_RAMAN]),
        ("@Priya Shah", "exact", [P_SHAH]),
        ("me", "exact", [ME]),
        ("myself", "exact", [ME]),
        ("I", "exact", [ME]),
        ("my manager", "exact", ["dana.kim@acme.test"]),
        ("My Boss", "exact", ["dana.kim@acme.test"]),
        ("Jose Muller", "exact", ["jose.muller@acme.test"]),
        ("jose mueller", "exact", ["jose.muller@acme.test"]),
        ("José Müller", "exact", ["jose.muller@acme.test"]),
        ("muller", "exact", ["jose.muller@acme.test"]),
        ("Lukasz Nowak", "exact", ["lukasz.nowak@acme.test"]),
        ("Alex Meyer", "exact", ["alex.meyer@acme.test"]),  # has no slack id
        ("Tom Becker", "exact", ["tom.becker@acme.test"]),  # terminated, still found
        ("Sam", "ambiguous", ["sam.ortiz@acme.test", "sam.lee@acme.test"]),  # active first
        ("Pryia Raman", "exact", [P_RAMAN]),  # one clear near spelling: the card shows it
        ("Alx Meyer", "exact", ["alex.meyer@acme.test"]),
        ("priya.raman@acme.tst", "exact", [P_RAMAN]),
        ("Pryia", "ambiguous", [P_RAMAN, P_SHAH]),  # a near spelling of two: asked
        ("Nobody Here", "none", []),
        ("", "none", []),
    ],
)
def test_match_person(query: str, match: str, ids: list[str]) -> None:
    found = match_person(D, query, ME)
    assert (found.match, _ids(found)) == (match, ids)
    assert found.id == (ids[0] if match == "exact" else None)


def test_first_name_typo_offers_everyone_with_that_name() -> None:
    found = match_person(D, "Pryia", ME)
    assert found.match == "ambiguous"
    assert set(_ids(found)) == {P_RAMAN, P_SHAH}


@pytest.mark.parametrize(
    ("query", "requester", "note"),
    [
        ("my manager", "cleo@acme.test", "Cleo Eo has no manager on record."),
        ("me", "stranger@acme.test", "The requester is not in the org directory."),
        ("<@U09NOBODY>", ME, "Slack user U09NOBODY is not linked to anyone"),
    ],
)
def test_unresolvable_person_says_why(query: str, requester: str, note: str) -> None:
    found = match_person(D, query, requester)
    assert found.match == "none"
    assert found.note.startswith(note)


def test_unknown_mention_falls_back_to_its_display_name_but_only_to_ask() -> None:
    found = match_person(D, "<@U09ALEX|Alex Meyer>", ME)
    assert (found.match, _ids(found)) == ("ambiguous", ["alex.meyer@acme.test"])
    assert "display name only" in found.note


def test_terminated_people_can_be_left_out() -> None:
    found = match_person(D, "Tom Becker", ME, include_terminated=False)
    assert (found.match, found.hits) == ("none", ())
    assert "Tom Becker" in found.note
    assert match_person(D, "Sam", ME, include_terminated=False).id == "sam.ortiz@acme.test"


def test_find_people_tool_labels_and_flags() -> None:
    out = find_people(_ctx(), FindPeopleInput(query="Tom Becker"))
    [tom] = out.candidates
    assert (tom.label, tom.detail, tom.active) == (
        "Tom Becker",
        "Backend Engineer · Engineering · terminated",
        False,
    )
    out = find_people(_ctx(), FindPeopleInput(query="Priya", limit=1))
    assert out.match == "ambiguous"
    assert [(c.label, c.detail, c.active) for c in out.candidates] == [
        ("Priya Raman", "Senior Backend Engineer · Engineering", True)
    ]
    assert find_people(_ctx(), FindPeopleInput(query="me")).candidates[0].score == 100


# --- job titles ------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("query", "match", "ids"),
    [
        ("Backend Engineer", "exact", ["Backend Engineer"]),
        ("backend engineers", "exact", ["Backend Engineer"]),
        ("new backend engineers", "exact", ["Backend Engineer"]),
        ("senior backend eng", "exact", ["Senior Backend Engineer"]),
        ("Sr. Backend Engineers", "exact", ["Senior Backend Engineer"]),
        ("SRE", "exact", ["Site Reliability Engineer"]),
        ("new SREs", "exact", ["Site Reliability Engineer"]),
        ("senior SREs", "exact", ["Senior Site Reliability Engineer"]),
        ("PMs", "exact", ["Product Manager"]),
        ("product", "exact", ["Product Manager"]),
        ("backend", "ambiguous", ["Backend Engineer", "Senior Backend Engineer"]),
        ("backend engneer", "exact", ["Backend Engineer"]),
        # one typo in a word of five letters or more, every word of the title typed
        ("senoir backend engineer", "exact", ["Senior Backend Engineer"]),
        ("senior backend enginer", "exact", ["Senior Backend Engineer"]),
        ("astronaut", "none", []),
    ],
)
def test_match_title(query: str, match: str, ids: list[str]) -> None:
    found = match_title(D, query)
    assert found.match == match
    assert _ids(found)[: len(ids)] == ids


def test_find_job_titles_tool_counts_active_holders() -> None:
    out = find_job_titles(_ctx(), FindJobTitlesInput(query="backend engineers"))
    assert [(c.id, c.detail) for c in out.candidates] == [("Backend Engineer", "1 active person")]
    out = find_job_titles(_ctx(), FindJobTitlesInput(query="senior backend engineer"))
    assert out.candidates[0].detail == "1 active person · has a standard access set"


# --- roles -----------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("query", "match", "ids"),
    [
        ("backend on-call", "exact", ["backend-oncall"]),
        ("Backend On-Call", "exact", ["backend-oncall"]),
        ("backend oncall", "exact", ["backend-oncall"]),
        ("backend-oncall", "exact", ["backend-oncall"]),
        ("on-call role", "exact", ["backend-oncall"]),
        ("the security review role", "exact", ["security-review"]),
        ("bakend on-call", "exact", ["backend-oncall"]),
        ("finance", "none", []),
    ],
)
def test_match_role(query: str, match: str, ids: list[str]) -> None:
    found = match_role(D, query)
    assert (found.match, _ids(found)) == (match, ids)


def test_find_roles_tool_lists_what_the_role_grants() -> None:
    [role] = find_roles(_ctx(), FindRolesInput(query="on call")).candidates
    assert (role.label, role.detail) == (
        "Backend on-call",
        "Grants: PagerDuty · Responder, AWS Production · Read-only",
    )


# --- applications ----------------------------------------------------------------------
@pytest.mark.parametrize(
    ("query", "match", "ids"),
    [
        ("github", "exact", ["github"]),
        ("GitHub", "exact", ["github"]),
        ("gh", "exact", ["github"]),
        ("Git Hub", "exact", ["github"]),
        ("the github app", "exact", ["github"]),
        ("aws-prod", "exact", ["aws-prod"]),
        ("aws prod", "exact", ["aws-prod"]),
        ("AWS Production", "exact", ["aws-prod"]),
        ("aws", "ambiguous", ["aws-dev", "aws-prod"]),
        ("dd", "exact", ["datadog"]),
        ("okta", "exact", ["okta"]),  # found, flagged not requestable by the tool
        ("githbu", "ambiguous", ["github"]),
        ("datadgo", "ambiguous", ["datadog"]),
        ("jira", "none", []),
    ],
)
def test_match_app(query: str, match: str, ids: list[str]) -> None:
    found = match_app(D, query)
    assert (found.match, _ids(found)) == (match, ids)


def test_find_applications_flags_unrequestable_apps() -> None:
    [okta] = find_applications(_ctx(), FindApplicationsInput(query="Okta")).candidates
    assert (okta.requestable, okta.detail) == (False, "1 entitlements · not requestable")
    [gh] = find_applications(_ctx(), FindApplicationsInput(query="gh")).candidates
    assert (gh.label, gh.requestable, gh.detail) == (
        "GitHub",
        True,
        "3 entitlements · also called gh, git hub",
    )


def test_find_applications_suggests_close_names_when_nothing_fits() -> None:
    out = find_applications(_ctx(), FindApplicationsInput(query="gitlab"))
    assert (out.match, out.candidates, out.did_you_mean) == ("none", [], ["GitHub"])
    out = find_applications(_ctx(), FindApplicationsInput(query="jira"))
    assert (out.match, out.did_you_mean) == ("none", [])


# --- entitlements ----------------------------------------------------------------------
@pytest.mark.parametrize(
    ("query", "match", "ids"),
    [
        ("github write", "exact", ["github:write"]),
        ("write on github", "exact", ["github:write"]),
        ("GitHub Write access", "exact", ["github:write"]),
        ("admin on aws prod", "exact", ["aws-prod:admin"]),
        ("aws prod admin", "exact", ["aws-prod:admin"]),
        ("admin rights in AWS Production", "exact", ["aws-prod:admin"]),
        ("aws prod read only", "exact", ["aws-prod:read-only"]),
        ("readonly on aws-prod", "exact", ["aws-prod:read-only"]),
        ("datadog standard", "exact", ["datadog:standard"]),
        ("dd admin", "exact", ["datadog:admin"]),
        ("push access to gh", "exact", ["github:write"]),
        ("github:write", "exact", ["github:write"]),
        ("GitHub:Write", "exact", ["github:write"]),
        ("contributor", "exact", ["github:write"]),
        ("push", "exact", ["github:write"]),
        ("read", "ambiguous", ["github:read", "aws-prod:read-only"]),
        ("github", "ambiguous", ["github:read", "github:write", "github:admin"]),
        ("pagerduty", "exact", ["pagerduty:responder"]),  # an app with one entitlement
        ("aws power user", "ambiguous", ["aws-prod:power-user", "aws-dev:power-user"]),
        ("admin", "ambiguous", ["github:admin", "aws-prod:admin", "datadog:admin"]),
        ("githbu write", "exact", ["github:write"]),
        ("github wrte", "exact", ["github:write"]),
        ("okta admin", "none", []),  # never requestable
        ("okta:admin", "none", []),
        ("", "none", []),
    ],
)
def test_match_entitlement(query: str, match: str, ids: list[str]) -> None:
    found = match_entitlement(D, query)
    assert found.match == match
    assert _ids(found)[: len(ids)] == ids


def test_unknown_level_of_a_named_app_lists_its_levels() -> None:
    found = match_entitlement(D, "github superuser")
    assert (found.match, _ids(found)) == (
        "ambiguous",
        ["github:read", "github:write", "github:admin"],
    )
    assert found.note.startswith('GitHub has no access level like "superuser"')


def test_unrequestable_entitlements_are_left_out_with_a_note() -> None:
    found = match_entitlement(D, "okta admin")
    assert found.note == "Matched but never requestable, so left out: Okta · Admin."
    assert found.suggestions == ()
    # the one requestable "admin" in an org with several is still a question
    one_left = match_entitlement(D, "admin", limit=10)
    assert "okta:admin" not in _ids(one_left)


def test_unrequestable_entitlements_on_request_are_flagged() -> None:
    inp = FindEntitlementsInput(query="okta admin", include_unrequestable=True)
    out = find_entitlements(_ctx(), inp)
    [okta] = out.candidates
    assert (out.match, okta.id, okta.requestable, okta.detail) == (
        "exact",
        "okta:admin",
        False,
        "Okta · not requestable",
    )


def test_find_entitlements_tool_labels() -> None:
    out = find_entitlements(_ctx(), FindEntitlementsInput(query="github"))
    assert [(c.label, c.detail, c.app_id, c.privileged) for c in out.candidates] == [
        ("GitHub · Read", "GitHub", "github", False),
        ("GitHub · Write", "GitHub · Push to non-protected branches", "github", False),
        ("GitHub · Admin", "GitHub · privileged", "github", True),
    ]


def test_find_entitlements_suggests_close_labels_when_nothing_fits() -> None:
    out = find_entitlements(_ctx(), FindEntitlementsInput(query="responsibility"))
    assert out.match == "none"
    assert out.did_you_mean[:1] == ["PagerDuty · Responder"]


# --- models ----------------------------------------------------------------------------
# The find tools' typed surface: inputs refuse unknown fields and every field says what
# it is for (no model reads these schemas; people calling the tools do).
INPUTS = (
    FindPeopleInput,
    FindJobTitlesInput,
    FindRolesInput,
    FindApplicationsInput,
    FindEntitlementsInput,
)
OUTPUTS = (
    FindPeopleOutput,
    FindJobTitlesOutput,
    FindRolesOutput,
    FindApplicationsOutput,
    FindEntitlementsOutput,
)


@pytest.mark.parametrize("model", INPUTS, ids=lambda m: m.__name__)
def test_input_schema_is_well_formed(model: type[ToolModel]) -> None:
    params = model.model_json_schema()
    assert json.loads(json.dumps(params)) == params
    assert params["type"] == "object"
    assert params["additionalProperties"] is False
    assert set(params["required"]) <= set(params["properties"])
    assert all(p.get("description") for p in params["properties"].values())


@pytest.mark.parametrize("model", INPUTS, ids=lambda m: m.__name__)
def test_input_schema_is_valid_json_schema(model: type[ToolModel]) -> None:
    jsonschema = pytest.importorskip("jsonschema")
    params = model.model_json_schema()
    jsonschema.validators.validator_for(params).check_schema(params)


def test_model_schemas_match_snapshot() -> None:
    schemas = [m.model_json_schema() for m in (*INPUTS, *OUTPUTS)]
    current = json.dumps(schemas, indent=2, ensure_ascii=False) + "\n"
    if os.environ.get("UPDATE_SNAPSHOTS") == "1":
        SNAPSHOT.parent.mkdir(exist_ok=True)
        SNAPSHOT.write_text(current, encoding="utf-8")
    assert SNAPSHOT.read_text(encoding="utf-8") == current, (
        "find tool models changed: review, then rerun with UPDATE_SNAPSHOTS=1"
    )
