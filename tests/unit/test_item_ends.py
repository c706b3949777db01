"""Per-item ends (docs/specs/conversation.md §6): a cap shortens only its own items, the
card names every cap, and submit() re-checks each item's own end."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from domain.errors import DomainError
from domain.model.directory import Directory
from domain.model.requests import RequestItem
from domain.orgdata.demo import load_demo_org
from domain.ports import FixedClock
from domain.store.memory import InMemoryUnitOfWork
from domain.usecases.submission import Draft, submit
from slack_app.services.requests import draft_from
from tests.orgs import NOW, small_org
from tools.base import ToolContext
from tools.proposal import build_proposal
from tools.proposal_models import Proposal, ProposalInput

DEMO = Directory(load_demo_org())
ALEX = "alex.meyer@acme.test"


def propose(**ask: object) -> Proposal:
    ctx = ToolContext(directory=DEMO, requester_id=ALEX, now=NOW)
    return build_proposal(ctx, ProposalInput.model_validate(ask))


def ends(p: Proposal) -> dict[str, tuple[str | None, str | None]]:
    return {i.entitlement_id: (i.end, i.capped_by) for i in p.items}


def test_an_entitlement_cap_shortens_only_its_own_item() -> None:
    p = propose(entitlements=["datadog standard", "datadog admin"], duration="permanent")
    assert p.status == "ready", p.problems
    assert ends(p) == {
        "datadog:standard": (None, None),
        "datadog:admin": ("2026-04-03T14:00:00Z", "Datadog Admin allows at most 30 days"),
    }
    assert p.duration is not None and p.duration.status == "permanent"
    assert [i.end_date for i in p.items] == [None, "2026-04-03"]
    assert any(w.startswith("Datadog Admin allows at most 30 days, so Datadog") for w in p.warnings)


def test_the_warnings_name_every_cap_that_applied() -> None:
    p = propose(
        entitlements=["datadog standard", "datadog admin", "aws prod read-only"],
        duration="for 3 months",
    )
    assert p.status == "ready", p.problems
    caps = {e: c for e, (_, c) in ends(p).items()}
    assert caps == {
        "datadog:standard": None,
        "datadog:admin": "Datadog Admin allows at most 30 days",
        "aws-prod:read-only": "AWS Production allows at most 2 weeks",
    }
    said = " ".join(p.warnings)
    assert "Datadog Admin allows at most 30 days" in said
    assert "AWS Production allows at most 2 weeks" in said


def test_a_cap_on_every_item_is_the_cards_own_end() -> None:
    p = propose(entitlements=["aws prod read-only"], duration="for a year")
    assert p.duration is not None and p.duration.capped
    assert p.duration.end_date == "2026-03-18"
    assert ends(p) == {"aws-prod:read-only": (p.duration.end, None)}


def test_submit_makes_one_request_per_route_and_end() -> None:
    p = propose(entitlements=["datadog standard", "datadog admin"], duration="permanent")
    uow = InMemoryUnitOfWork(load_demo_org())
    made = submit(
        uow=uow,
        directory=DEMO,
        draft=draft_from(p, reason="Other"),
        actor=ALEX,
        clock=FixedClock(NOW),
    )
    got = {r.items[0].entitlement_id: r.end for r in made}
    assert got == {
        "datadog:standard": None,
        "datadog:admin": datetime.fromisoformat("2026-04-03T14:00:00+00:00"),
    }
    assert [len(r.items) for r in made] == [1, 1]


# --- a draft altered on its way back is refused (rule 8) ---------------------------

SMALL = small_org()
ME = "alex@t.test"


def altered(
    *ents: str, end: datetime | None, item_ends: dict[str, datetime | None] | None = None
) -> Draft:
    items = [
        RequestItem(
            entitlement_id=e,
            app_id=e.split(":")[0],
            identity_id="github:alex-m" if e.startswith("github") else "new",
        )
        for e in ents
    ]
    return Draft(
        requester=ME,
        beneficiary=ME,
        items=items,
        end=end,
        item_ends=item_ends or {},
        reason="New project",
    )


WEEK = NOW + timedelta(days=7)


@pytest.mark.parametrize(
    ("draft", "code"),
    [
        # the card's end is within every cap; an item's own end asks for more
        (
            altered(
                "github:write",
                "aws-prod:read-only",
                end=WEEK,
                item_ends={"aws-prod:read-only": None},
            ),
            "over_cap",
        ),
        (
            altered(
                "github:write",
                "aws-prod:read-only",
                end=WEEK,
                item_ends={"aws-prod:read-only": NOW + timedelta(days=365)},
            ),
            "over_cap",
        ),
        (
            altered("github:write", end=WEEK, item_ends={"github:write": NOW - timedelta(hours=1)}),
            "end_in_past",
        ),
        # an extra item: held, or never requestable
        (altered("github:write", "github:read", end=WEEK), "already_held"),
        (altered("github:write", "okta:admin", end=WEEK), "not_requestable"),
        (altered("github:write", "github:write", end=WEEK), "duplicate_item"),
        (altered("github:write", end=WEEK, item_ends={"github:admin": WEEK}), "bad_item_end"),
    ],
)
def test_submit_refuses_a_draft_that_asks_for_more(draft: Draft, code: str) -> None:
    uow = InMemoryUnitOfWork(SMALL)
    with pytest.raises(DomainError) as err:
        submit(uow=uow, directory=Directory(SMALL), draft=draft, actor=ME, clock=FixedClock(NOW))
    assert err.value.code == code
    assert uow.committed_audit == []


def _forge_permanent(p: Proposal) -> Proposal:
    forged = p.model_copy(deep=True)
    assert forged.duration is not None
    forged.duration.end = None
    for item in forged.items:
        item.end = None
    return forged


def _forge_a_year(p: Proposal) -> Proposal:
    forged = p.model_copy(deep=True)
    forged.items[-1].end = (NOW + timedelta(days=365)).isoformat()
    return forged


@pytest.mark.parametrize("forge", [_forge_permanent, _forge_a_year])
def test_a_card_altered_to_ask_for_more_is_refused(forge: object) -> None:
    assert callable(forge)
    ctx = ToolContext(directory=Directory(SMALL), requester_id=ME, now=NOW)
    p = build_proposal(
        ctx, ProposalInput(entitlements=["github write", "aws prod read-only"], duration="1 week")
    )
    assert p.status == "ready", p.problems
    assert p.items[-1].entitlement_id == "aws-prod:read-only"
    forged = forge(p)
    uow = InMemoryUnitOfWork(SMALL)
    with pytest.raises(DomainError) as err:
        submit(
            uow=uow,
            directory=Directory(SMALL),
            draft=draft_from(forged, reason="New project"),
            actor=ME,
            clock=FixedClock(NOW),
        )
    assert err.value.code == "over_cap"


def test_the_eval_reads_an_items_end_as_its_last_day_like_the_card() -> None:
    """ "until the end of April": the uncapped item ends at midnight after 30 April, which
    the card says as "at the end of Thu 30 Apr" and the eval scores as 2026-04-30."""
    from zoneinfo import ZoneInfo

    from evals.got import proposal_slots

    p = propose(
        entitlements=["salesforce admin", "salesforce read only"], duration="until 30 April"
    )
    slots = proposal_slots(p, ZoneInfo("Europe/Berlin"))
    assert slots["ends"] == {"salesforce:admin": "2026-04-03", "salesforce:read-only": "2026-04-30"}
