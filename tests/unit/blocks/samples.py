"""Fixed sample data for the Block Kit builders: the org, two proposals.

Built by hand (not by the tools) so a snapshot changes only when a builder does.
`hostile()` is the same org with names that try to ping channels and hide links.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from domain.model.directory import Directory
from tests.orgs import NOW, small_org
from tools.approvers import Step
from tools.duration import DurationOutput
from tools.proposal_models import AccessLikeRef, PersonRef, Proposal, ProposedItem, RouteGroup

THREAD = "slack:0123456789abcdef01234567"
REASONS = ["New project", "Other"]
EVIL = "<!channel> & <@U123>"
END_18 = datetime(2026, 3, 18, 23, 0, tzinfo=UTC)  # end of Wed 18 Mar 2026, Berlin
END_6 = datetime(2026, 3, 6, 23, 0, tzinfo=UTC)  # end of Fri 6 Mar 2026, Berlin
LATER = NOW + timedelta(hours=1, minutes=5)


def hostile() -> Directory:
    org = small_org()
    for person in org.people:
        if person.id == "alex@t.test":
            person.name = EVIL
        if person.id == "dana@t.test":
            person.name = "Dana <https://evil.test|Kim>"
    org.applications[0].name = "Git<Hub> & co"
    org.applications[0].entitlements[1].name = "Write <!everyone>"
    return Directory(org)


def item(ent: str, label: str, app: str, app_name: str, ident: str, **kw: Any) -> ProposedItem:
    shown = f"a new {app_name} account" if ident == "new" else ident.split(":", 1)[1]
    return ProposedItem(
        entitlement_id=ent,
        label=label,
        app_id=app,
        app_name=app_name,
        identity_id=ident,
        identity_label=shown,
        **kw,
    )


def proposal(d: Directory) -> Proposal:
    """Dana asks for Alex: like Priya, permanent asked but capped, two routes."""
    alex, dana = d.people["alex@t.test"], d.people["dana@t.test"]
    cleo, omar = d.people["ceo@t.test"].name, d.people["omar@t.test"].name
    github = d.apps["github"].name
    write = f"{github} · {d.entitlements['github:write'].name}"
    return Proposal(
        status="ready",
        requester=PersonRef(id=dana.id, name=dana.name, title=dana.title),
        beneficiary=PersonRef(id=alex.id, name=alex.name, title=alex.title),
        access_like=AccessLikeRef(kind="person", ref="priya@t.test", label="Priya Raman"),
        items=[
            item("github:write", write, "github", github, "github:alex-m"),
            item(
                "aws-prod:read-only",
                "AWS Production · Read-only",
                "aws-prod",
                "AWS Production",
                "new",
            ),
        ],
        duration=DurationOutput(
            status="temporary",
            end_date="2026-03-18",
            permanent_requested=True,
            permanent_allowed=False,
            capped=True,
            cap="P14D",
            message="AWS Production allows at most 14 days, so it can't be permanent.",
        ),
        reason="New project",
        reason_text=f"payments migration {EVIL}",
        routes=[
            RouteGroup(
                entitlement_ids=["github:write"],
                steps=[
                    Step(
                        rule="manager",
                        approvers=["ceo@t.test"],
                        approver_names=[cleo],
                        note="the requester's manager, as the manager asked",
                    ),
                    Step(rule="app_owner", approvers=["omar@t.test"], approver_names=[omar]),
                ],
            ),
            RouteGroup(
                entitlement_ids=["aws-prod:read-only"],
                steps=[Step(rule="manager", approvers=["ceo@t.test"], approver_names=[cleo])],
            ),
        ],
        warnings=[
            "AWS Production allows at most 14 days, so it can't be permanent.",
            "GitHub · Read left out: already held",
            "This becomes 2 requests, one per approval route.",
        ],
    )


def privileged_proposal(d: Directory) -> Proposal:
    """Alex for himself: a privileged grant, no reason picked yet."""
    alex = d.people["alex@t.test"]
    return Proposal(
        status="ready",
        requester=PersonRef(id=alex.id, name=alex.name, title=alex.title),
        beneficiary=PersonRef(id=alex.id, name=alex.name, title=alex.title),
        access_like=AccessLikeRef(kind="custom", label="custom"),
        items=[
            item(
                "github:admin",
                "GitHub · Admin",
                "github",
                "GitHub",
                "github:alex-m",
                privileged=True,
            )
        ],
        duration=DurationOutput(status="temporary", end_date="2026-03-06"),
        reason_text="release week",
        routes=[
            RouteGroup(
                entitlement_ids=["github:admin"],
                steps=[
                    Step(rule="manager", approvers=["dana@t.test"], approver_names=["Dana Kim"]),
                    Step(
                        rule="app_owner", approvers=["omar@t.test"], approver_names=["Omar Haddad"]
                    ),
                    Step(
                        rule="group:security",
                        approvers=["sam@t.test", "omar@t.test"],
                        approver_names=["Sam Ortiz", "Omar Haddad"],
                    ),
                ],
            )
        ],
        warnings=["GitHub · Admin is privileged access."],
    )


def pick_proposal(d: Directory) -> Proposal:
    """Two routes with a multi-approver step each: one "who should review" select per step."""
    p = proposal(d)
    omar, sam = d.people["omar@t.test"], d.people["sam@t.test"]
    p.routes[0].steps[1] = Step(
        rule="app_owner", approvers=[omar.id, sam.id], approver_names=[omar.name, sam.name]
    )
    p.routes[1].steps.append(
        Step(
            rule="group:security",
            approvers=[sam.id, omar.id],
            approver_names=[sam.name, omar.name],
        )
    )
    return p


def extension_proposal(d: Directory) -> Proposal:
    """Alex extends his temporary AWS read-only grant to 18 March."""
    alex, dana = d.people["alex@t.test"], d.people["dana@t.test"]
    me = PersonRef(id=alex.id, name=alex.name, title=alex.title)
    return Proposal(
        status="ready",
        kind="extend",
        requester=me,
        beneficiary=me,
        items=[
            item(
                "aws-prod:read-only",
                "AWS Production · Read-only",
                "aws-prod",
                "AWS Production",
                "aws-prod:alex",
            )
        ],
        duration=DurationOutput(status="temporary", end_date="2026-03-18"),
        reason="Other",
        routes=[
            RouteGroup(
                entitlement_ids=["aws-prod:read-only"],
                steps=[Step(rule="manager", approvers=[dana.id], approver_names=[dana.name])],
            )
        ],
        warnings=["Extends AWS Production · Read-only from Fri 6 Mar to Wed 18 Mar."],
    )
