"""SIGKILL a real outbox worker process at each point of a delivery, on SQLite (a file)
and on PostgreSQL (a fresh database), and restart it: each approved item is granted
exactly once in effect and each expired one revoked exactly once (issue 11, "Durable
outbox"). test_outbox_crash.py raises at those points inside one process; here the
process really dies, with its claim, its half-made calls and its open transaction.

The worker (`tests.integration.killable_worker`) calls a webhook app
(`domain.connectors.webhook`) whose URL is a loopback receiver in this process. The
receiver verifies signatures with docs/examples/webhook_receiver.py's `verify`, acts
once per Idempotency-Key as that example does, and counts calls per key and effects
per (request, entitlement, action). It can hold a request (the worker claimed rows and
its call has not landed: the test kills it, and the held call is then dropped unacted)
or signal once it has answered (the call landed: the test kills before the worker can
commit, deterministically by holding the next call of the same batch, and racily by
killing as soon as the answer is out). Each restart comes after the dead worker's
lease (1 s in the worker; the product's is `domain.usecases.outbox.LEASE`) ran out.
"""

from __future__ import annotations

import json
import os
import secrets
import signal
import subprocess
import sys
import threading
import time
from collections import Counter
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from bench.hook_receiver import verify
from domain.model.org import (
    Application,
    ConnectorSettings,
    Entitlement,
    Fulfillment,
    Identity,
    OrgData,
    OrgSettings,
    Person,
)
from domain.model.requests import AccessRequest, ItemStatus, RequestItem, RequestKind, State
from domain.ports import DeliveryStatus, FixedClock, OutboxAction
from domain.store.engine import make_engine
from domain.store.migrate import migrate
from domain.store.orgsync import import_org
from domain.store.uow import SqlUnitOfWork
from domain.usecases.expiry import expire_due
from domain.usecases.fulfillment import fulfill
from tests.integration.conftest import fresh_postgres_database

ROOT = Path(__file__).resolve().parents[2]
SECRET_ENV = "KILL_TEST_WEBHOOK_SECRET"
LEASE_S = 1.0
LIMIT = 2  # rows per claim: a batch has a second call to hold, and commits come often
REQUESTS = 3
ENTITLEMENTS = ("hook:read", "hook:write")
WAIT_S = 20.0


class Receiver(ThreadingHTTPServer):
    """The example receiver with counts, and a plan for the next requests."""

    daemon_threads = True

    def __init__(self, secret: bytes) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.secret = secret
        self.lock = threading.Lock()
        self.answers: dict[str, tuple[int, dict[str, Any]]] = {}
        self.calls: Counter[str] = Counter()  # POSTs per Idempotency-Key
        self.by_key: Counter[str] = Counter()  # effects per Idempotency-Key
        self.effects: Counter[tuple[str, str, str]] = Counter()  # (request, ent, action)
        self.refused = 0
        self.plan: list[str] = []  # "act", "hold" (then drop) or "signal" (act, then tell)
        self.held = threading.Event()
        self.release = threading.Event()
        self.answered = threading.Event()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}/hook"

    def expect(self, *plan: str) -> None:
        with self.lock:
            self.plan = list(plan)
        self.held.clear()
        self.release.clear()
        self.answered.clear()

    def next_step(self) -> str:
        with self.lock:
            return self.plan.pop(0) if self.plan else "act"


class _Handler(BaseHTTPRequestHandler):
    server: Receiver

    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length)
        if len(body) < length:  # the worker was killed while sending: no call landed
            self.close_connection = True
            return
        stamp = self.headers.get("X-Access-Agent-Timestamp", "")
        signed = self.headers.get("X-Access-Agent-Signature", "")
        if not verify(self.server.secret, stamp, signed, body, time.time()):
            with self.server.lock:
                self.server.refused += 1
            return self._answer(401, {"error": "bad signature"})
        key = self.headers.get("Idempotency-Key", "")
        step = self.server.next_step()
        if step == "hold":  # the call has not landed: the worker dies meanwhile
            self.server.held.set()
            self.server.release.wait(WAIT_S)
            self.close_connection = True
            return
        with self.server.lock:
            self.server.calls[key] += 1
            answer = self.server.answers.get(key)
            if answer is None:  # the example's dedupe: one effect per key
                event = json.loads(body)
                self.server.by_key[key] += 1
                self.server.effects[
                    (event["request"]["id"], event["entitlement"], event["action"])
                ] += 1
                answer = (200, {"username": event["account"]["username"]})
                self.server.answers[key] = answer
        self._answer(*answer)
        if step == "signal":
            self.server.answered.set()

    def _answer(self, status: int, document: dict[str, Any]) -> None:
        payload = json.dumps(document).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)
        self.wfile.flush()

    def log_message(self, format: str, *args: Any) -> None:
        return


@pytest.fixture
def receiver(monkeypatch: pytest.MonkeyPatch) -> Iterator[Receiver]:
    secret = secrets.token_hex(32)
    monkeypatch.setenv(SECRET_ENV, secret)
    server = Receiver(secret.encode())
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.release.set()
    server.shutdown()
    server.server_close()


def _fresh_postgres() -> Iterator[str]:
    yield from fresh_postgres_database("kill")


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def database(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'store.db'}"
    else:
        yield from _fresh_postgres()


def org(hook_url: str) -> OrgData:
    people = [Person(id=f"p{n}@kill.test", name=f"Person {n}") for n in range(REQUESTS)]
    app = Application(
        id="hook",
        name="Hook",
        owners=[people[0].id],
        fulfillment=Fulfillment.WEBHOOK,
        connector=ConnectorSettings(url=hook_url, secret_env=SECRET_ENV),
        entitlements=[Entitlement(id=e, name=e) for e in ENTITLEMENTS],
    )
    identities = [Identity(app="hook", username=f"u{n}", person=p.id) for n, p in enumerate(people)]
    return OrgData(
        org=OrgSettings(name="Kill"), people=people, applications=[app], identities=identities
    )


def seed(url: str, hook_url: str, now: datetime) -> list[str]:
    """REQUESTS approved requests of two items each, moved to fulfilling: their outbox
    rows queued, as an approval leaves them."""
    engine = make_engine(url)
    migrate(engine)
    clock = FixedClock(now)
    import_org(SqlUnitOfWork(engine), org(hook_url), actor="test", clock=clock)
    ids = [f"AR-K{n}" for n in range(REQUESTS)]
    with SqlUnitOfWork(engine) as uow:
        for n, rid in enumerate(ids):
            items = [
                RequestItem(entitlement_id=e, app_id="hook", identity_id=f"hook:u{n}")
                for e in ENTITLEMENTS
            ]
            uow.requests.add(
                AccessRequest(
                    id=rid,
                    kind=RequestKind.GRANT,
                    requester=f"p{n}@kill.test",
                    beneficiary=f"p{n}@kill.test",
                    items=items,
                    end=now + timedelta(days=7),
                    reason="kill test",
                    state=State.APPROVED,
                    created_at=now,
                    updated_at=now,
                    submitted_at=now,
                    decided_at=now,
                )
            )
        uow.commit()
    for rid in ids:
        fulfill(uow=SqlUnitOfWork(engine), request_id=rid, clock=clock)
    engine.dispose()
    return ids


class Worker:
    """`python -m tests.integration.killable_worker` against `url`, killed with SIGKILL.
    The next process is started (and waits, its imports done) while this one works."""

    def __init__(self, url: str, offset: timedelta) -> None:
        self.url, self.offset = url, offset
        self.process: subprocess.Popen[str] | None = None
        self.spare: subprocess.Popen[str] | None = self._spawn()

    def _spawn(self) -> subprocess.Popen[str]:
        return subprocess.Popen(
            [
                sys.executable,
                "-m",
                "tests.integration.killable_worker",
                self.url,
                f"--lease={LEASE_S}",
                f"--offset={self.offset.total_seconds()}",
                f"--limit={LIMIT}",
            ],
            cwd=ROOT,
            env=os.environ.copy(),
            stdin=subprocess.PIPE,
            stdout=subprocess.DEVNULL,
            text=True,
        )

    def start(self, *, last: bool = False) -> None:
        assert self.spare is not None and self.spare.stdin is not None
        self.process, self.spare = self.spare, (None if last else self._spawn())
        assert self.process.stdin is not None
        self.process.stdin.write("go\n")
        self.process.stdin.flush()

    def kill(self) -> None:
        assert self.process is not None
        os.kill(self.process.pid, signal.SIGKILL)
        assert self.process.wait(timeout=10) == -signal.SIGKILL

    def alive(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def close(self) -> None:
        for process in (self.process, self.spare):
            if process is not None and process.poll() is None:
                process.kill()
                process.wait(timeout=10)


def killed_while(worker: Worker, receiver: Receiver, plan: tuple[str, ...], event: str) -> None:
    """Start the worker, wait for `event` on the receiver, SIGKILL the worker, let a held
    call go (unacted), and wait out the dead worker's lease."""
    receiver.expect(*plan)
    worker.start()
    assert getattr(receiver, event).wait(WAIT_S), f"the worker never reached {event}"
    worker.kill()
    receiver.release.set()
    time.sleep(LEASE_S + 0.2)


def rows(url: str, ids: list[str], action: OutboxAction) -> list[tuple[str, str, DeliveryStatus]]:
    engine = make_engine(url)
    try:
        with SqlUnitOfWork(engine) as uow:
            return [
                (d.request_id, d.entitlement_id, d.status)
                for rid in ids
                for d in uow.outbox.for_request(rid)
                if d.action is action
            ]
    finally:
        engine.dispose()


def run_to_the_end(
    worker: Worker, url: str, ids: list[str], action: OutboxAction, wanted: State
) -> None:
    """A last restart, left alone until every row is done and every request settled."""
    worker.start(last=True)
    deadline = time.monotonic() + WAIT_S
    engine = make_engine(url)
    try:
        while time.monotonic() < deadline:
            assert worker.alive(), "the restarted worker died"
            with SqlUnitOfWork(engine) as uow:
                states = {r.state for r in uow.requests.many(set(ids))}
            statuses = {s for *_, s in rows(url, ids, action)}
            if states == {wanted} and statuses == {DeliveryStatus.DONE}:
                break
            time.sleep(0.1)
        else:
            pytest.fail(f"not done in {WAIT_S} s: {states}, {statuses}")
        time.sleep(LEASE_S + 0.3)  # and it makes no further call once all is recorded
    finally:
        engine.dispose()
        worker.kill()


def kill_rounds(worker: Worker, receiver: Receiver) -> None:
    killed_while(worker, receiver, ("hold",), "held")  # claimed; the call never landed
    killed_while(worker, receiver, ("act", "hold"), "held")  # answered; batch uncommitted
    for _ in range(2):  # answered, killed at once: before or after its commit
        killed_while(worker, receiver, ("signal",), "answered")


def trail(url: str, ids: list[str], action: str) -> Counter[tuple[str, object]]:
    engine = make_engine(url)
    try:
        with SqlUnitOfWork(engine) as uow:
            return Counter(
                (e.request_id or "", e.data.get("entitlement"))
                for rid in ids
                for e in uow.audit.for_request(rid)
                if e.action == action
            )
    finally:
        engine.dispose()


def through_kills(
    database: str,
    receiver: Receiver,
    ids: list[str],
    offset: timedelta,
    action: OutboxAction,
    wanted: State,
) -> Counter[str]:
    """Kill the worker at each point, then let one run to the end; each item's row is
    done (one row per item) and each request `wanted`. The calls made, per key."""
    before = Counter(receiver.calls)
    worker = Worker(database, offset=offset)
    try:
        kill_rounds(worker, receiver)
        run_to_the_end(worker, database, ids, action, wanted)
    finally:
        worker.close()
    items = sorted((rid, e) for rid in ids for e in ENTITLEMENTS)
    made = rows(database, ids, action)
    assert sorted((r, e) for r, e, _ in made) == items
    assert {s for *_, s in made} == {DeliveryStatus.DONE}
    status = ItemStatus.DONE if wanted is State.FULFILLED else ItemStatus.REMOVED
    engine = make_engine(database)
    with SqlUnitOfWork(engine) as uow:
        for request in uow.requests.many(set(ids)):
            assert request.state is wanted
            assert {i.status for i in request.items} == {status}
    engine.dispose()
    assert receiver.refused == 0
    return receiver.calls - before


def test_a_killed_worker_grants_and_revokes_each_item_exactly_once(
    database: str, receiver: Receiver
) -> None:
    now = datetime.now(UTC)
    ids = seed(database, receiver.url, now)
    items = {(rid, e) for rid in ids for e in ENTITLEMENTS}

    calls = through_kills(
        database, receiver, ids, timedelta(0), OutboxAction.GRANT, State.FULFILLED
    )
    assert max(calls.values()) >= 2, "no grant was called again after a kill"
    assert receiver.effects == Counter({(rid, e, "grant"): 1 for rid, e in items})
    assert set(receiver.by_key.values()) == {1} and len(receiver.by_key) == len(items)
    assert trail(database, ids, "item.done") == Counter({i: 1 for i in items})

    later = timedelta(days=8)  # past every end: expiry queues the revokes
    engine = make_engine(database)
    expired = expire_due(uow=SqlUnitOfWork(engine), clock=FixedClock(now + later))
    engine.dispose()
    assert sorted(r.id for r in expired) == ids
    ahead = later + timedelta(minutes=1)
    calls = through_kills(database, receiver, ids, ahead, OutboxAction.REVOKE, State.EXPIRED)
    assert max(calls.values()) >= 2, "no revoke was called again after a kill"
    assert receiver.effects == Counter(
        {(rid, e, a): 1 for rid, e in items for a in ("grant", "revoke")}
    )
    assert set(receiver.by_key.values()) == {1} and len(receiver.by_key) == 2 * len(items)
    assert trail(database, ids, "item.removed") == Counter({i: 1 for i in items})
    assert trail(database, ids, "item.done") == Counter({i: 1 for i in items})
