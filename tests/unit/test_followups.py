"""Reminders and escalation, by time travel (FixedClock) on the in-memory store: business
days in the org's time zone, each once per step, whatever the ticks and restarts."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from domain.model.directory import Directory
from domain.model.followup import FollowUpKind, business_deadline
from domain.model.org import OrgData, Reminders
from domain.model.requests import AccessRequest, RequestItem
from domain.ports import FixedClock
from domain.store.memory import InMemoryUnitOfWork
from domain.usecases.decisions import approve, eligible
from domain.usecases.followups import follow_up
from domain.usecases.scheduler import tick
from domain.usecases.submission import Draft, submit
from tests.orgs import NOW, small_org

BERLIN = ZoneInfo("Europe/Berlin")
ALEX, DANA, CEO, OMAR, SAM = (
    "alex@t.test",
    "dana@t.test",
    "ceo@t.test",
    "omar@t.test",
    "sam@t.test",
)


def berlin(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=BERLIN).astimezone(UTC)


@pytest.mark.parametrize(
    ("start", "length", "deadline"),
    [
        (berlin(2026, 3, 4, 16), timedelta(days=1), berlin(2026, 3, 5, 16)),  # Wed → Thu
        (berlin(2026, 3, 6, 17), timedelta(days=1), berlin(2026, 3, 9, 17)),  # Fri → Mon
        (berlin(2026, 3, 7, 10), timedelta(days=1), berlin(2026, 3, 10, 0)),  # Sat → Tue 0:00
        (berlin(2026, 3, 4, 16), timedelta(days=3), berlin(2026, 3, 9, 16)),  # Wed → Mon
        (berlin(2026, 3, 6, 21), timedelta(hours=4), berlin(2026, 3, 9, 1)),  # Fri night
        # the clocks go forward on Sunday 29 March: still noon on Monday, local time
        (berlin(2026, 3, 27, 12), timedelta(days=1), berlin(2026, 3, 30, 12)),
    ],
)
def test_business_time_skips_the_weekend_in_the_org_time_zone(
    start: datetime, length: timedelta, deadline: datetime
) -> None:
    assert business_deadline(start, length, BERLIN) == deadline


def test_the_weekend_is_the_org_s_not_utc_s() -> None:
    """Friday 22:30 in Berlin is already Saturday in Tokyo: the hour is Monday's there."""
    start = berlin(2026, 3, 6, 22, 30)
    assert business_deadline(start, timedelta(hours=1), BERLIN) == berlin(2026, 3, 6, 23, 30)
    tokyo = ZoneInfo("Asia/Tokyo")
    assert business_deadline(start, timedelta(hours=1), tokyo) == datetime(
        2026, 3, 9, 1, 0, tzinfo=tokyo
    ).astimezone(UTC)


class Env:
    def __init__(self, org: OrgData | None = None, start: datetime = NOW) -> None:
        self.org = org or small_org()
        self.uow = InMemoryUnitOfWork(self.org)
        self.clock = FixedClock(start)
        self.directory = Directory(self.org)

    def submit(self, ent: str = "github:write", who: str = ALEX) -> AccessRequest:
        app = ent.split(":", maxsplit=1)[0]
        ident = "github:alex-m" if app == "github" else "new"
        item = RequestItem(entitlement_id=ent, app_id=app, identity_id=ident)
        end = NOW + timedelta(days=7)
        draft = Draft(requester=who, beneficiary=who, items=[item], reason="Other", end=end)
        (made,) = submit(
            uow=self.uow, directory=self.directory, draft=draft, actor=who, clock=self.clock
        )
        return made

    def at(self, moment: datetime) -> list[tuple[str, str, int, tuple[str, ...]]]:
        """Move the clock to `moment` and tick: what was made (kind, request, step, to)."""
        self.clock.current = moment
        made = follow_up(uow=self.uow, directory=self.directory, clock=self.clock)
        return [(f.kind.value, f.request.id, f.step, f.to) for f in made]

    def audit(self, action: str) -> list[tuple[str | None, object]]:
        return [
            (e.request_id, e.data.get("step"))
            for e in self.uow.committed_audit
            if e.action == action
        ]


def test_a_reminder_after_a_business_day_then_an_escalation_after_three() -> None:
    env = Env()  # submitted Wednesday 4 March, 16:00 in Berlin
    rid = env.submit().id
    assert env.at(berlin(2026, 3, 5, 15, 59)) == []
    assert env.at(berlin(2026, 3, 5, 16)) == [("reminder", rid, 0, (DANA,))]
    assert env.at(berlin(2026, 3, 6, 9)) == []  # once
    assert env.at(berlin(2026, 3, 8, 23)) == []  # the weekend does not count
    assert env.at(berlin(2026, 3, 9, 16)) == [("escalation", rid, 0, (CEO,))]
    assert env.at(berlin(2026, 3, 12, 16)) == []  # once
    assert env.audit("request.reminded") == [(rid, 0)]
    assert env.audit("request.escalated") == [(rid, 0)]
    stored = env.uow.requests.get(rid)
    assert stored is not None and stored.steps[0].approvers == [DANA, CEO]
    assert eligible(stored, CEO)  # the manager can decide the step now


def test_each_once_across_restarts_and_second_processes() -> None:
    env = Env()
    rid = env.submit().id
    env.clock.current = berlin(2026, 3, 5, 17)
    first = follow_up(uow=env.uow, directory=env.directory, clock=env.clock)
    restarted = follow_up(uow=env.uow, directory=Directory(small_org()), clock=env.clock)
    assert [f.request.id for f in first] == [rid] and restarted == []


def test_the_next_step_waits_from_the_decision_before_it() -> None:
    env = Env()
    rid = env.submit().id
    env.clock.current = berlin(2026, 3, 5, 10)
    approve(uow=env.uow, request_id=rid, approver=DANA, clock=env.clock)
    assert env.at(berlin(2026, 3, 5, 16)) == []  # step 1 was answered in time
    assert env.at(berlin(2026, 3, 6, 10)) == [("reminder", rid, 1, (OMAR,))]


def test_an_escalation_due_before_any_reminder_uses_the_reminder_up() -> None:
    env = Env()
    rid = env.submit().id
    assert env.at(berlin(2026, 3, 16, 9)) == [("escalation", rid, 0, (CEO,))]
    assert env.at(berlin(2026, 3, 17, 9)) == []
    assert env.audit("request.reminded") == []


def test_a_group_step_escalates_to_the_whole_group() -> None:
    org = small_org()
    org.org.reminders = Reminders(after="PT4H", escalate_after="P1D")
    env = Env(org)
    rid = env.submit("github:admin").id
    env.clock.current = berlin(2026, 3, 4, 17)
    approve(uow=env.uow, request_id=rid, approver=DANA, clock=env.clock)
    approve(uow=env.uow, request_id=rid, approver=OMAR, clock=env.clock)
    # the security step (Sam or Omar; Omar took step 2, so four eyes still allows Sam)
    assert env.at(berlin(2026, 3, 4, 21)) == [("reminder", rid, 2, (SAM, OMAR))]
    assert env.at(berlin(2026, 3, 5, 17)) == [("escalation", rid, 2, (SAM, OMAR))]
    stored = env.uow.requests.get(rid)
    assert stored is not None and stored.steps[2].approvers == [SAM, OMAR]


def test_decided_requests_are_not_chased() -> None:
    env = Env()
    rid = env.submit().id
    approve(uow=env.uow, request_id=rid, approver=DANA, clock=env.clock)
    approve(uow=env.uow, request_id=rid, approver=OMAR, clock=env.clock)
    assert env.at(berlin(2026, 3, 20, 12)) == []


def test_the_scheduler_tick_chases_when_given_the_org() -> None:
    env = Env()
    rid = env.submit().id
    env.clock.current = berlin(2026, 3, 5, 17)
    report = tick(
        uow=env.uow,
        clock=env.clock,
        warn_before=timedelta(hours=24),
        directory=env.directory,
    )
    assert [(f.kind, f.request.id) for f in report.followups] == [(FollowUpKind.REMINDER, rid)]
