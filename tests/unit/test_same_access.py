"""A new ask (docs/specs/conversation.md §1): "same access as X" in one card, narrowed in
words or by app; the justification kept as typed; the account described in words."""

from __future__ import annotations

import pytest

from domain.model.directory import Directory
from domain.orgdata.demo import load_demo_org
from domain.orgdata.orgfile import parse_org
from tests.orgs import NOW
from tools.base import ToolContext
from tools.proposal import build_proposal
from tools.proposal_models import Proposal, ProposalInput

DEMO = Directory(load_demo_org())
ALEX = "alex.meyer@acme.test"


def propose(d: Directory = DEMO, requester: str = ALEX, **ask: object) -> Proposal:
    ctx = ToolContext(directory=d, requester_id=requester, now=NOW)
    return build_proposal(ctx, ProposalInput.model_validate(ask))


def ids(p: Proposal) -> list[str]:
    return [i.entitlement_id for i in p.items]


def test_same_access_is_every_item_at_once() -> None:
    p = propose(access_like="person", reference="Priya Raman", duration="for 2 weeks")
    assert p.status == "ready", p.problems
    assert ids(p) == [c.id for c in p.offered]
    assert len(p.items) == 10


def test_narrowed_in_words() -> None:
    p = propose(
        access_like="person",
        reference="Priya Raman",
        entitlements=["github", "datadog"],
        duration="for 2 weeks",
    )
    assert ids(p) == ["github:write", "datadog:standard"]


# --- more than 20 items: which apps first --------------------------------------------


def _big_org() -> Directory:
    apps, grants = [], []
    for app, n in (("alpha", 9), ("beta", 8), ("gamma", 6)):
        ents = ", ".join(f"{{id: '{app}:e{k}', name: E{k}}}" for k in range(n))
        apps.append(
            f"  - {{id: {app}, name: {app.title()}, owners: [o@t.test], entitlements: [{ents}]}}"
        )
        held = ", ".join(f"'{app}:e{k}'" for k in range(n))
        grants.append(
            f"  - {{app: {app}, username: ref-{app}, person: ref@t.test, grants: [{held}]}}"
        )
    text = "\n".join(
        [
            "org: {name: Big Co}",
            "people:",
            "  - {id: o@t.test, name: Owen Owner}",
            "  - {id: me@t.test, name: Mia Me, manager: o@t.test}",
            "  - {id: ref@t.test, name: Rex Ref, manager: o@t.test}",
            "applications:",
            *apps,
            "identities:",
            *grants,
        ]
    )
    return Directory(parse_org(text))


BIG = _big_org()


def test_over_twenty_items_asks_which_apps_with_counts() -> None:
    p = propose(BIG, "me@t.test", access_like="person", reference="Rex Ref", duration="1 week")
    assert p.status == "needs_input"
    (problem,) = p.problems
    assert (problem.slot, problem.code, problem.multiple) == ("apps", "choose_apps", True)
    assert [(c.id, c.label) for c in problem.choices] == [
        ("alpha", "Alpha (9)"),
        ("beta", "Beta (8)"),
        ("gamma", "Gamma (6)"),
    ]


def test_picked_apps_narrow_the_diff() -> None:
    p = propose(
        BIG,
        "me@t.test",
        access_like="person",
        reference="Rex Ref",
        duration="1 week",
        apps=["beta", "gamma"],
    )
    assert p.status == "ready", p.problems
    assert len(p.items) == 14 and {i.app_id for i in p.items} == {"beta", "gamma"}


# --- the justification ----------------------------------------------------------------


def test_justification_is_kept_as_typed_and_a_matching_reason_preselected() -> None:
    p = propose(
        entitlements=["datadog standard"],
        duration="1 week",
        justification="for the payments migration",
    )
    assert p.reason_text == "for the payments migration"
    assert p.reason == "New project"
    p = propose(entitlements=["datadog standard"], duration="1 week", justification="Kevin asked")
    assert (p.reason_text, p.reason) == ("Kevin asked", None)


# --- the account, described -------------------------------------------------------------

OMAR = "omar.haddad@acme.test"


def account(*hints: str) -> str | None:
    p = propose(
        requester=OMAR, entitlements=["github write"], duration="1 week", identity_hints=list(hints)
    )
    return p.items[0].identity_id if p.items else None


def test_an_account_described_in_words() -> None:
    assert account() is None  # two GitHub accounts: asked
    assert account("the admin one") == "github:omar-h-admin"
    assert account("my admin account") == "github:omar-h-admin"
    assert account("personal") == "github:omar-h"
    assert account("use omar-h, not the admin account") == "github:omar-h"
    assert account("not the admin one") == "github:omar-h"


ACCOUNTS = Directory(
    parse_org(
        """
org: {name: Acct Co}
people:
  - {id: boss@t.test, name: Bo Boss}
  - {id: mo@t.test, name: Michael Okafor, manager: boss@t.test}
applications:
  - {id: okta, name: Okta, owners: [boss@t.test], entitlements: [{id: okta:admin, name: Admin}]}
identities:
  - {app: okta, username: mokafor, person: mo@t.test}
  - {app: okta, username: mokafor-admin, person: mo@t.test}
"""
    )
)


@pytest.mark.parametrize("words", ["use mokafor, not the admin account", "mokafor"])
def test_an_account_named_as_if_a_person_is_an_account_not_the_same_person(words: str) -> None:
    p = propose(
        ACCOUNTS,
        "mo@t.test",
        access_like="person",
        reference=words,
        entitlements=["okta admin"],
        duration="1 week",
    )
    assert p.refusal is None
    assert [(i.entitlement_id, i.identity_id) for i in p.items] == [("okta:admin", "okta:mokafor")]


def test_my_title_is_the_requesters_own_job_title() -> None:
    """Spec §1: "what my title gets" is access like the requester's own title."""
    lena = "lena.wagner@acme.test"
    p = propose(requester=lena, access_like="job_title", reference="my title", duration="permanent")
    assert p.access_like is not None and p.access_like.ref == "Backend Engineer"


def test_narrowed_by_a_word_naming_several_apps_keeps_all_of_their_items() -> None:
    """ "same aws access as Ben": "aws" names AWS Development and AWS Production alike."""
    p = propose(access_like="person", reference="Ben Carter", entitlements=["aws"], duration="1w")
    assert p.status == "ready", p.problems
    assert ids(p) == ["aws-dev:power-user", "aws-prod:read-only"]
