"""The audit trail as a hash chain, on every store: each row linked to the one before
in commit order, a watermark that misses nothing, concurrent writers that never fork."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta

from domain.model.audit_chain import GENESIS, link
from domain.model.requests import AuditEvent
from domain.usecases.audit import trail, verify_trail
from tests.integration.conftest import Store

T0 = datetime(2026, 3, 4, 15, 0, tzinfo=UTC)


def event(action: str, request_id: str | None = "AR-1", **data: object) -> AuditEvent:
    return AuditEvent(at=T0, actor="dana@u.test", action=action, request_id=request_id, data=data)


def append(store: Store, *events: AuditEvent) -> None:
    with store.uow() as uow:
        for e in events:
            uow.audit.append(e)
        uow.commit()


def test_each_row_holds_the_previous_rows_hash(store: Store) -> None:
    append(store, event("request.submitted", items=["github:write"], ratio=1.0, big=1e20))
    append(store, event("step.approved", step=0, comment="für 一周"), event("org.imported", None))
    with store.uow() as uow:
        rows = uow.audit.since()
        assert [r.seq for r in rows] == [1, 2, 3]
        assert rows[0].prev_hash == GENESIS
        assert [r.prev_hash for r in rows[1:]] == [r.hash for r in rows[:-1]]
        for row in rows:  # what comes back out hashes as it did going in
            assert row.hash == link(row, seq=row.seq or 0, prev_hash=row.prev_hash or "")
        assert (uow.audit.head().seq, uow.audit.head().hash) == (3, rows[-1].hash)
    verdict = verify_trail(store.uow())
    assert verdict.ok and verdict.head.seq == 3


def test_a_rolled_back_transaction_leaves_no_link(store: Store) -> None:
    append(store, event("one"))
    with store.uow() as uow:
        uow.audit.append(event("never"))
        uow.rollback()
        uow.audit.append(event("two"))
        uow.commit()
    with store.uow() as uow:
        uow.audit.append(event("also.never"))  # left without commit
    with store.uow() as uow:
        assert [(r.seq, r.action) for r in uow.audit.since()] == [(1, "one"), (2, "two")]
    assert verify_trail(store.uow()).ok


def test_a_transaction_reads_its_own_events_before_commit(store: Store) -> None:
    with store.uow() as uow:
        uow.audit.append(event("slack.approver_dm", channel="D1"))
        assert [e.action for e in uow.audit.for_request("AR-1")] == ["slack.approver_dm"]
        uow.commit()


def test_export_filters_by_request_and_time(store: Store) -> None:
    later = event("step.approved", "AR-2").model_copy(update={"at": T0 + timedelta(days=2)})
    append(store, event("request.submitted"), event("request.submitted", "AR-2"), later)
    assert [e.action for e in trail(store.uow(), request_id="AR-2")] == [
        "request.submitted",
        "step.approved",
    ]
    since = T0 + timedelta(days=1)
    assert [e.seq for e in trail(store.uow(), at_from=since)] == [3]
    assert [e.seq for e in trail(store.uow(), page=1)] == [1, 2, 3]


def test_the_watermark_misses_no_row_committed_out_of_order(pg_store: Store) -> None:
    """The first transaction appends first and commits last: a reader who saw the
    second one's row must still get the first one's after its watermark. (SQLite lets
    one writer in at a time: there the two cannot overlap.)"""
    sql_store = pg_store
    slow = sql_store.uow()
    with slow:
        slow.audit.append(event("slow"))
        append(sql_store, event("fast"))
        with sql_store.uow() as reader:
            seen = reader.audit.since()
        assert [e.action for e in seen] == ["fast"]
        slow.commit()
    with sql_store.uow() as reader:
        assert [e.action for e in reader.audit.since(seen[-1].seq or 0)] == ["slow"]
    assert verify_trail(sql_store.uow()).ok


def test_concurrent_writers_never_fork_the_chain(sql_store: Store) -> None:
    """Threads, each with its own connection and transactions (on PostgreSQL these
    really overlap; SQLite lets one writer in at a time)."""
    rounds, writers = 25, 4
    start = threading.Barrier(writers)
    errors: list[BaseException] = []

    def write(n: int) -> None:
        try:
            start.wait()
            for i in range(rounds):
                append(sql_store, event(f"w{n}.{i}.a"), event(f"w{n}.{i}.b"))
        except BaseException as exc:  # reported below, in the test's thread
            errors.append(exc)

    threads = [threading.Thread(target=write, args=(n,)) for n in range(writers)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    verdict = verify_trail(sql_store.uow())
    assert verdict.broken is None
    assert verdict.head.seq == rounds * writers * 2
    with sql_store.uow() as uow:
        rows = uow.audit.since(limit=10_000)
    assert [r.seq for r in rows] == list(range(1, rounds * writers * 2 + 1))
    pairs = {r.action[:-2]: r.seq for r in rows if r.action.endswith(".a")}
    assert all(f"{a}.b" in {r.action for r in rows} for a in pairs)
    for r in rows:  # a transaction's two events are adjacent links
        if r.action.endswith(".b"):
            assert pairs[r.action[:-2]] == (r.seq or 0) - 1


def test_a_paused_export_holds_no_lock(sql_store: Store) -> None:
    """An auditor's slow download must not stop the app writing (SQLite: every
    transaction holds the write lock), and the rows written meanwhile still come."""
    append(sql_store, event("one"), event("two"))
    reading = trail(sql_store.uow(), page=1)
    assert next(reading).action == "one"
    append(sql_store, event("meanwhile"))  # would wait on a held lock, then fail
    assert [e.action for e in reading] == ["two", "meanwhile"]
