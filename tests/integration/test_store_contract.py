"""One contract, three stores: the in-memory fake, SQLite and PostgreSQL behave alike."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest

from domain.errors import ConcurrentUpdate, DomainError
from domain.model.org import HeldGrant, Identity, IdentityKind, OrgData, Person
from domain.model.requests import (
    AccessRequest,
    ApprovalStep,
    AuditEvent,
    ItemStatus,
    RequestItem,
    RequestKind,
    State,
    StepStatus,
)
from domain.orgdata.orgfile import parse_org
from domain.ports import DeadJobs, MessageAt, NewJob, ids
from tests.integration.conftest import Store
from tests.integration.orgsamples import FULL_ORG

T0 = datetime(2026, 3, 4, 15, 0, tzinfo=UTC)
BERLIN = timezone(timedelta(hours=2))


def make_request(  # noqa: PLR0913 (a test factory: every field keyword-only with a default)
    request_id: str,
    *,
    minutes: int = 0,
    requester: str = "alex@u.test",
    beneficiary: str = "alex@u.test",
    state: State = State.SUBMITTED,
    kind: RequestKind = RequestKind.GRANT,
    approvers: tuple[list[str], ...] = (["Dana.Kim@u.test"],),
    decided: int = 0,
    end: datetime | None = T0 + timedelta(days=7),
    key: str | None = None,
) -> AccessRequest:
    at = T0 + timedelta(minutes=minutes)
    steps = [
        ApprovalStep(
            index=n,
            rule="manager" if n == 0 else "app_owner",
            approvers=list(people),
            status=StepStatus.APPROVED if n < decided else StepStatus.PENDING,
            decided_by=people[0] if n < decided else None,
            decided_at=at.astimezone(BERLIN) if n < decided else None,
            comment="ok, für eine Woche" if n < decided else "",
        )
        for n, people in enumerate(approvers)
    ]
    return AccessRequest(
        id=request_id,
        kind=kind,
        requester=requester,
        beneficiary=beneficiary,
        items=[
            RequestItem(
                entitlement_id="github:write", app_id="github", identity_id="github:alex-m"
            ),
            RequestItem(
                entitlement_id="aws-prod:read-only",
                app_id="aws-prod",
                identity_id="new",
                status=ItemStatus.DROPPED,
                note="dropped by Dana",
            ),
        ],
        end=end,
        requested_end=end,
        capped=True,
        reason="Neues Projekt",
        comment="für das Projekt 北京",
        state=state,
        steps=steps,
        created_at=at,
        updated_at=at,
        submitted_at=at,
        idempotency_key=key,
    )


def add(store: Store, *requests: AccessRequest) -> None:
    with store.uow() as uow:
        for request in requests:
            uow.requests.add(request)
        uow.commit()


def get(store: Store, request_id: str) -> AccessRequest | None:
    with store.uow() as uow:
        return uow.requests.get(request_id)


# --- requests ------------------------------------------------------------------------


def test_add_get_roundtrip_keeps_every_field_and_aware_times(store: Store) -> None:
    original = make_request(
        "AR-1", approvers=(["dana@u.test"], ["li@u.test", "ceo@u.test"]), decided=1
    )
    original.end = datetime(2026, 3, 11, 17, 30, tzinfo=BERLIN)
    add(store, original)
    loaded = get(store, "AR-1")
    assert loaded == original
    assert loaded is not None
    assert loaded.end is not None and loaded.end.utcoffset() is not None
    assert loaded.steps[0].decided_at is not None and loaded.steps[0].decided_at.tzinfo
    assert [s.approvers for s in loaded.steps] == [["dana@u.test"], ["li@u.test", "ceo@u.test"]]
    assert get(store, "AR-404") is None


def test_save_bumps_the_version_and_rewrites_children(store: Store) -> None:
    add(store, make_request("AR-1"))
    with store.uow() as uow:
        request = uow.requests.get("AR-1")
        assert request is not None
        request.steps[0].status = StepStatus.APPROVED
        request.items[0].status = ItemStatus.DONE
        request.state = State.APPROVED
        uow.requests.save(request)
        uow.commit()
    assert request.version == 1
    assert get(store, "AR-1") == request


def test_a_stale_copy_cannot_overwrite_a_newer_save(store: Store) -> None:
    add(store, make_request("AR-1"))
    first, second = get(store, "AR-1"), get(store, "AR-1")
    assert first is not None and second is not None
    with store.uow() as uow:
        first.comment = "first"
        uow.requests.save(first)
        uow.commit()
    with store.uow() as uow, pytest.raises(ConcurrentUpdate):
        second.comment = "second"
        uow.requests.save(second)
    stored = get(store, "AR-1")
    assert stored is not None and stored.comment == "first" and stored.version == 1


def test_queries(store: Store) -> None:
    add(
        store,
        make_request("AR-3", minutes=3, state=State.FULFILLED, end=T0),
        make_request("AR-1", minutes=1, key="card-1"),
        make_request("AR-1b", minutes=1, key="card-1", approvers=(["ceo@u.test"],)),
        make_request(
            "AR-2",
            minutes=2,
            requester="Dana.Kim@u.test",
            beneficiary="jose@u.test",
            approvers=(["ceo@u.test"], ["li@u.test", "Ceo@U.test"]),
            decided=1,
        ),
        make_request("AR-4", minutes=4, state=State.FULFILLED, end=T0 + timedelta(days=1)),
        make_request("AR-5", minutes=5, state=State.FULFILLED, end=T0, kind=RequestKind.REVOKE),
        make_request("AR-6", minutes=6, state=State.REJECTED),
        make_request("AR-7", minutes=7, state=State.FULFILLED, end=None),
    )
    with store.uow() as uow:
        r = uow.requests
        assert ids(r.by_idempotency_key("card-1")) == ["AR-1", "AR-1b"]
        assert ids(r.by_idempotency_key("card-2")) == []
        assert ids(r.open_for("ALEX@u.test")) == ["AR-1", "AR-1b"]
        assert ids(r.open_for("jose@u.test")) == ["AR-2"]
        assert ids(r.awaiting("dana.kim@u.test")) == ["AR-1"]
        assert ids(r.awaiting("CEO@u.test")) == ["AR-1b", "AR-2"]
        assert ids(r.awaiting("li@u.test")) == ["AR-2"]
        assert ids(r.awaiting("nobody@u.test")) == []
        assert ids(r.by_requester("dana.kim@U.TEST")) == ["AR-2"]
        assert ids(r.by_requester("jose@u.test")) == ["AR-2"]
        assert len(r.by_requester("alex@u.test")) == 7
        assert ids(r.by_requester("alex@u.test", open_only=True)) == ["AR-1", "AR-1b"]
        assert ids(r.in_state("fulfilled")) == ["AR-3", "AR-4", "AR-5", "AR-7"]
        assert ids(r.in_state("fulfilled", limit=2)) == ["AR-3", "AR-4"]
        assert ids(r.due_for_expiry(T0)) == ["AR-3"]
        assert ids(r.due_for_expiry(T0 - timedelta(seconds=1))) == []
        assert ids(r.due_for_expiry((T0 + timedelta(days=2)).astimezone(BERLIN))) == [
            "AR-3",
            "AR-4",
        ]


# --- audit, keys, transactions -------------------------------------------------------


def event(action: str, request_id: str | None = None, **data: object) -> AuditEvent:
    return AuditEvent(
        at=T0.astimezone(BERLIN),
        actor="alex@u.test",
        action=action,
        request_id=request_id,
        data=data,
    )


def test_audit_appends_in_order(store: Store) -> None:
    with store.uow() as uow:
        uow.audit.append(
            event("request.submitted", "AR-1", items=["github:write"], approvers=[["dana"]])
        )
        uow.audit.append(event("org.imported", summary="people: +1 ~0 -0", name="Zoë"))
        uow.audit.append(event("step.approved", "AR-1", step=0, comment="für 一周"))
        uow.commit()
    with store.uow() as uow:
        trail = uow.audit.since()
        assert [e.action for e in trail] == ["request.submitted", "org.imported", "step.approved"]
        assert [e.id for e in trail] == sorted({e.id for e in trail if e.id})
        assert [e.seq for e in trail] == [1, 2, 3]
        assert trail[0].data == {"items": ["github:write"], "approvers": [["dana"]]}
        assert trail[2].data["comment"] == "für 一周"
        assert trail[0].at == T0 and trail[0].at.tzinfo is not None
        first = trail[0].seq or 0
        assert [e.action for e in uow.audit.since(first)] == ["org.imported", "step.approved"]
        assert [e.action for e in uow.audit.since(first, limit=1)] == ["org.imported"]
        assert [e.action for e in uow.audit.for_request("AR-1")] == [
            "request.submitted",
            "step.approved",
        ]
        assert uow.audit.for_request("AR-2") == []


def test_keys_are_claimed_once(store: Store) -> None:
    with store.uow() as uow:
        assert uow.keys.claim("evt-1", T0) is True
        assert uow.keys.claim("evt-1", T0) is False
        uow.audit.append(event("still.works"))  # a refused claim leaves the transaction usable
        uow.commit()
    with store.uow() as uow:
        assert uow.keys.claim("evt-1", T0) is False
        assert uow.keys.claim("evt-2", T0) is True  # not committed
    with store.uow() as uow:
        assert uow.keys.claim("evt-2", T0) is True
        assert [e.action for e in uow.audit.since()] == ["still.works"]


def test_a_released_key_can_be_claimed_again(store: Store) -> None:
    with store.uow() as uow:
        assert uow.keys.claim("notice-1", T0) is True
        uow.commit()
    with store.uow() as uow:
        uow.keys.release("notice-1")
        uow.keys.release("never-claimed")  # nothing to forget: no error
        uow.commit()
    with store.uow() as uow:
        assert uow.keys.claim("notice-1", T0) is True


def test_inbox_put_is_idempotent_by_key(store: Store) -> None:
    with store.uow() as uow:
        assert uow.inbox.put("slack:event:Ev1", "slack.event", '{"a": 1}', T0) is True
        assert uow.inbox.put("slack:event:Ev1", "slack.event", '{"a": 2}', T0) is False
        uow.audit.append(event("still.works"))  # a refused put leaves the transaction usable
        uow.commit()
    with store.uow() as uow:
        assert uow.inbox.put("slack:event:Ev1", "slack.event", "{}", T0) is False
        (job,) = uow.inbox.claim(at=T0, lease=timedelta(minutes=5), limit=10)
    assert (job.key, job.kind, job.payload, job.attempts) == (
        "slack:event:Ev1",
        "slack.event",
        '{"a": 1}',
        1,
    )
    assert job.received_at == T0


def test_inbox_put_many_reports_the_new_keys(store: Store) -> None:
    with store.uow() as uow:
        uow.inbox.put("old", "slack.event", "0", T0)
        jobs = [NewJob("old", "slack.event", "x"), NewJob("a", "slack.event", "1")]
        jobs += [NewJob("b", "slack.event", "2"), NewJob("a", "slack.event", "again")]
        assert uow.inbox.put_many(jobs, T0) == {"a", "b"}
        assert uow.inbox.put_many([], T0) == set()
        uow.commit()
    with store.uow() as uow:
        claimed = uow.inbox.claim(at=T0, lease=timedelta(minutes=5), limit=10)
    assert [(j.key, j.payload) for j in claimed] == [("old", "0"), ("a", "1"), ("b", "2")]


def test_inbox_claims_oldest_first_and_never_twice_in_a_lease(store: Store) -> None:
    lease = timedelta(minutes=5)
    with store.uow() as uow:
        for n in range(5):
            uow.inbox.put(f"k{n}", "slack.event", str(n), T0 + timedelta(seconds=n))
        uow.commit()
    with store.uow() as uow:
        first = uow.inbox.claim(at=T0 + timedelta(minutes=1), lease=lease, limit=2)
        uow.commit()
    with store.uow() as uow:
        second = uow.inbox.claim(at=T0 + timedelta(minutes=1), lease=lease, limit=10)
        uow.commit()
    assert [j.payload for j in first] == ["0", "1"]
    assert [j.payload for j in second] == ["2", "3", "4"]
    with store.uow() as uow:
        assert uow.inbox.claim(at=T0 + timedelta(minutes=2), lease=lease, limit=10) == []
        assert uow.inbox.waiting(T0) == 5


def test_inbox_a_lane_runs_one_job_at_a_time_in_order(store: Store) -> None:
    lease = timedelta(minutes=5)
    with store.uow() as uow:
        uow.inbox.put("a1", "slack.event", "a1", T0, lane="dm-a")
        uow.inbox.put("b1", "slack.event", "b1", T0, lane="dm-b")
        uow.inbox.put("a2", "slack.event", "a2", T0, lane="dm-a")
        uow.inbox.put("x", "slack.event", "x", T0)  # its own lane
        uow.commit()

    claimed_ids: dict[str, int] = {}

    def claim(minutes: int) -> list[str]:
        with store.uow() as uow:
            jobs = uow.inbox.claim(at=T0 + timedelta(minutes=minutes), lease=lease, limit=10)
            uow.commit()
        claimed_ids.update({j.key: j.id for j in jobs})
        return [j.key for j in jobs]

    assert claim(0) == ["a1", "b1", "x"]  # a2 waits for a1
    assert claim(1) == []
    with store.uow() as uow:
        uow.inbox.fail(claimed_ids["a1"], T0, "Slack 500", retry_at=T0 + timedelta(minutes=2))
        uow.commit()
    assert claim(1) == []  # a1 waits for its retry, and a2 behind it
    assert claim(3) == ["a1"]
    with store.uow() as uow:
        uow.inbox.finish(claimed_ids["a1"], T0 + timedelta(minutes=3))
        uow.commit()
    assert claim(3) == ["a2"]


def test_inbox_a_lapsed_lease_is_claimed_again(store: Store) -> None:
    lease = timedelta(minutes=5)
    with store.uow() as uow:
        uow.inbox.put("k", "slack.event", "{}", T0)
        (job,) = uow.inbox.claim(at=T0, lease=lease, limit=1)
        uow.commit()
    with store.uow() as uow:  # the worker died: nobody finished the job
        assert uow.inbox.claim(at=T0 + timedelta(minutes=4), lease=lease, limit=1) == []
        (again,) = uow.inbox.claim(at=T0 + timedelta(minutes=6), lease=lease, limit=1)
        uow.commit()
    assert again.id == job.id and again.attempts == 2


def test_inbox_finish_fail_retry_give_up_and_purge(store: Store) -> None:
    lease = timedelta(minutes=5)
    with store.uow() as uow:
        for name in ("done", "retry", "dead"):
            uow.inbox.put(name, "slack.event", name, T0)
        jobs = {j.key: j for j in uow.inbox.claim(at=T0, lease=lease, limit=3)}
        uow.inbox.finish(jobs["done"].id, T0)
        uow.inbox.fail(jobs["retry"].id, T0, "Slack 500", retry_at=T0 + timedelta(seconds=30))
        uow.inbox.fail(jobs["dead"].id, T0, "bad payload", retry_at=None)
        uow.commit()
    with store.uow() as uow:
        assert uow.inbox.waiting(T0) == 1
        assert uow.inbox.claim(at=T0 + timedelta(seconds=10), lease=lease, limit=5) == []
        (retried,) = uow.inbox.claim(at=T0 + timedelta(seconds=31), lease=lease, limit=5)
        assert (retried.key, retried.attempts) == ("retry", 2)
        uow.inbox.finish(retried.id, T0 + timedelta(seconds=32))
        assert uow.inbox.purge(T0 + timedelta(seconds=1)) == 2  # done and dead, not retry
        assert uow.inbox.purge(T0 + timedelta(hours=1)) == 1
        assert uow.inbox.put("done", "slack.event", "again", T0) is True  # purged keys free
        uow.commit()


def test_inbox_a_heartbeat_renews_only_its_own_lease(store: Store) -> None:
    lease = timedelta(seconds=30)
    with store.uow() as uow:
        uow.inbox.put("k", "slack.event", "{}", T0)
        (job,) = uow.inbox.claim(at=T0, lease=lease, limit=1)
        uow.commit()
    with store.uow() as uow:  # the worker is alive: its heartbeat keeps the job
        assert uow.inbox.renew(job.id, job.token, T0 + timedelta(seconds=50)) is True
        assert uow.inbox.renew(job.id, "someone-else", T0 + timedelta(hours=1)) is False
        uow.commit()
    with store.uow() as uow:
        assert uow.inbox.claim(at=T0 + timedelta(seconds=40), lease=lease, limit=1) == []
        (again,) = uow.inbox.claim(at=T0 + timedelta(seconds=51), lease=lease, limit=1)
        assert again.token != job.token
        assert uow.inbox.renew(job.id, job.token, T0 + timedelta(minutes=2)) is False  # lost
        uow.inbox.finish(again.id, T0 + timedelta(minutes=1))
        assert uow.inbox.renew(again.id, again.token, T0 + timedelta(minutes=2)) is False
        uow.commit()


def test_inbox_a_later_attempt_sees_what_an_earlier_one_posted(store: Store) -> None:
    lease = timedelta(seconds=30)
    with store.uow() as uow:
        uow.inbox.put("k", "slack.event", "{}", T0)
        (first,) = uow.inbox.claim(at=T0, lease=lease, limit=1)
        uow.inbox.reply(first.id, MessageAt("D01ALEX", "1767225600.000001"))
        uow.commit()
    assert first.reply is None
    with store.uow() as uow:  # its worker died; the next one finds the placeholder
        (second,) = uow.inbox.claim(at=T0 + timedelta(minutes=1), lease=lease, limit=1)
    assert second.reply == MessageAt("D01ALEX", "1767225600.000001")


def test_inbox_dead_letters_are_counted_until_purged(store: Store) -> None:
    lease = timedelta(seconds=30)
    with store.uow() as uow:
        assert uow.inbox.dead() == DeadJobs(0)
        for name in ("ok", "poison", "later", "retried"):
            uow.inbox.put(name, "slack.event", name, T0)
        jobs = {j.key: j for j in uow.inbox.claim(at=T0, lease=lease, limit=4)}
        uow.inbox.finish(jobs["ok"].id, T0)
        uow.inbox.fail(jobs["poison"].id, T0, "KeyError: 'user'", retry_at=None)
        uow.inbox.fail(jobs["later"].id, T0 + timedelta(seconds=5), "boom", retry_at=None)
        uow.inbox.fail(jobs["retried"].id, T0, "db down", retry_at=T0 + timedelta(seconds=2))
        uow.commit()
    with store.uow() as uow:
        assert uow.inbox.dead() == DeadJobs(2, "later", T0 + timedelta(seconds=5), "boom")
        assert uow.inbox.purge(T0 + timedelta(seconds=1)) == 2  # ok and poison
        assert uow.inbox.dead().count == 1
        uow.commit()


def test_a_lease_has_one_holder_until_it_is_released_or_lapses(store: Store) -> None:
    until = T0 + timedelta(minutes=5)
    with store.uow() as uow:
        assert uow.leases.acquire("conv:1", "p1", until=until, at=T0) is True
        assert uow.leases.acquire("conv:1", "p2", until=until, at=T0) is False
        assert uow.leases.acquire("conv:1", "p1", until=until, at=T0) is True  # re-entrant
        assert uow.leases.acquire("conv:2", "p2", until=until, at=T0) is True  # another name
        uow.commit()
    with store.uow() as uow:
        uow.leases.release("conv:1", "p2")  # not theirs: nothing happens
        assert uow.leases.acquire("conv:1", "p2", until=until, at=T0) is False
        uow.leases.release("conv:1", "p1")
        assert uow.leases.acquire("conv:1", "p2", until=until, at=T0) is True
        uow.commit()
    with store.uow() as uow:  # p2 died holding conv:2: it lapses at `until`
        assert (
            uow.leases.acquire("conv:2", "p3", until=until, at=until - timedelta(seconds=1))
            is False
        )
        later = until + timedelta(minutes=5)
        assert uow.leases.acquire("conv:2", "p3", until=later, at=until) is True
        uow.leases.release("conv:2", "p2")  # the late holder cannot free it any more
        assert uow.leases.acquire("conv:2", "p4", until=later, at=until) is False


def test_leaving_without_commit_rolls_back(store: Store) -> None:
    with store.uow() as uow:
        uow.requests.add(make_request("AR-1"))
        uow.audit.append(event("request.submitted", "AR-1"))
    with pytest.raises(RuntimeError), store.uow() as uow:
        uow.requests.add(make_request("AR-2"))
        raise RuntimeError("boom")
    with store.uow() as uow:
        assert uow.requests.get("AR-1") is None and uow.requests.get("AR-2") is None
        assert uow.audit.since() == []


def test_commit_then_rollback_inside_one_block(store: Store) -> None:
    with store.uow() as uow:
        uow.requests.add(make_request("AR-1"))
        uow.commit()
        uow.requests.add(make_request("AR-2"))
        uow.rollback()
        uow.audit.append(event("after.rollback"))
        uow.commit()
    with store.uow() as uow:
        assert uow.requests.get("AR-1") is not None
        assert uow.requests.get("AR-2") is None
        assert [e.action for e in uow.audit.since()] == ["after.rollback"]


def test_nested_blocks_join_the_outer_transaction(store: Store) -> None:
    uow = store.uow()
    with uow:
        uow.requests.add(make_request("AR-1"))
        with uow:
            uow.requests.add(make_request("AR-2"))
        assert uow.requests.get("AR-2") is not None  # the inner exit did not roll back
        uow.commit()
    assert get(store, "AR-1") is not None and get(store, "AR-2") is not None


# --- the org -------------------------------------------------------------------------


def full_org() -> OrgData:
    return parse_org(FULL_ORG)


def replace(store: Store, data: OrgData) -> dict[str, tuple[int, int, int]]:
    with store.uow() as uow:
        report = uow.org.replace(data)
        uow.commit()
    return report.changes


def load(store: Store) -> OrgData:
    with store.uow() as uow:
        data = uow.org.load()
    assert data is not None
    return data


def version(store: Store) -> int:
    with store.uow() as uow:
        return uow.org.version()


def test_org_replace_and_load_are_lossless(store: Store) -> None:
    with store.uow() as uow:
        assert uow.org.load() is None and uow.org.version() == 0
    changes = replace(store, full_org())
    assert changes["people"] == (7, 0, 0) and changes["grants"] == (6, 0, 0)
    assert changes["org"] == (1, 0, 0)
    loaded = load(store)
    assert loaded == full_org()
    assert loaded.model_dump() == full_org().model_dump()
    jose = loaded.identities[1]
    assert jose.username == "José-M" and jose.grants[1].expires == datetime(2026, 12, 1, tzinfo=UTC)
    assert loaded.identities[3].kind is IdentityKind.SERVICE and loaded.identities[3].person is None
    assert list(loaded.groups) == ["security", "Oncall-Leads"]
    assert version(store) == 1


def test_an_unchanged_snapshot_changes_nothing(store: Store) -> None:
    replace(store, full_org())
    changes = replace(store, full_org())
    assert set(changes.values()) == {(0, 0, 0)}
    assert version(store) == 1


def test_sync_reports_what_changed_and_keeps_requests(store: Store) -> None:
    replace(store, full_org())
    add(store, make_request("AR-1"))
    with store.uow() as uow:
        uow.audit.append(event("request.submitted", "AR-1"))
        uow.commit()
    updated = full_org()
    updated.people[3].name = "José Müller-Lüdenscheidt"  # renamed
    del updated.people[6]  # Kai leaves (referenced nowhere)
    updated.people.append(Person(id="new@u.test", name="Nia Neu", manager="ceo@u.test"))
    updated.identities[1].grants[1].expires = datetime(2027, 1, 1, tzinfo=UTC)
    del updated.identities[1].grants[2]
    updated.identities[0].grants.append(HeldGrant(entitlement="github:write"))
    changes = replace(store, updated)
    assert changes["people"] == (1, 1, 1)
    assert changes["grants"] == (1, 1, 1)
    assert {t: c for t, c in changes.items() if c != (0, 0, 0)}.keys() == {"people", "grants"}
    assert load(store) == updated
    assert version(store) == 2
    assert get(store, "AR-1") is not None
    with store.uow() as uow:
        assert [e.action for e in uow.audit.for_request("AR-1")] == ["request.submitted"]


def test_a_reordered_list_is_kept_without_counting_as_a_change(store: Store) -> None:
    replace(store, full_org())
    reordered = full_org()
    reordered.people.reverse()
    changes = replace(store, reordered)
    assert set(changes.values()) == {(0, 0, 0)}
    assert load(store) == reordered
    assert version(store) == 2


def test_grants_and_identities_added_by_fulfillment(store: Store) -> None:
    replace(store, full_org())
    expires = datetime(2026, 4, 1, 12, 0, tzinfo=BERLIN)
    with store.uow() as uow:
        uow.org.add_grant("GITHUB:ALEX-M", "github:write", expires)
        uow.org.add_grant("github:alex-m", "github:read", None)  # re-granted: moves last
        uow.org.remove_grant("github:josé-m", "github:write")
        uow.org.add_identity(
            Identity(app="hooks", username="kai", person="kai@u.test", grants=["hooks:user"])
        )
        with pytest.raises(DomainError) as unknown:
            uow.org.add_grant("github:nobody", "github:read", None)
        assert unknown.value.code == "unknown_identity"
        with pytest.raises(DomainError) as duplicate:
            uow.org.add_identity(Identity(app="github", username="ALEX-M"))
        assert duplicate.value.code == "duplicate_identity"
        uow.commit()
    data = load(store)
    alex = data.identities[0]
    assert [(g.entitlement, g.expires) for g in alex.grants] == [
        ("github:write", expires),
        ("github:read", None),
    ]
    assert [g.entitlement for g in data.identities[1].grants] == ["github:admin", "github:read"]
    assert data.identities[-1].id == "hooks:kai"
    assert data.identities[-1].grants == [HeldGrant(entitlement="hooks:user")]
    assert version(store) > 1
