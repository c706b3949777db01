"""`python -m bench.ldap_fulfil [--approvals 1000]`: approvals fulfilled through LDAP.

Starts a real slapd on loopback (`slack_app.testing.slapd`; Debian's `slapd` must be
installed), adds N people and one group, imports an org whose VPN app is fulfilled by
the LDAP connector into a temporary SQLite store, submits and approves N requests (one
per person, not timed), then times `fulfill` for each: the transition, the connector's
entry check and group modify on slapd, and the commit of the result. Prints the time,
the throughput and p50/p99 per approval, and checks the group really holds N members.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from datetime import timedelta
from pathlib import Path

from bench.stats import percentile
from domain.connectors import OrgConnectors
from domain.model.directory import Directory
from domain.model.requests import RequestItem, State
from domain.orgdata.orgfile import parse_org
from domain.ports import SystemClock
from domain.store.engine import Engine, make_engine
from domain.store.migrate import migrate
from domain.store.orgsync import import_org
from domain.store.uow import SqlUnitOfWork
from domain.usecases.decisions import approve
from domain.usecases.fulfillment import fulfill
from domain.usecases.outbox import deliver_due
from domain.usecases.submission import Draft, submit
from slack_app.testing.slapd import ADMIN_DN, PASSWORD, PEOPLE, Slapd, start_slapd

BOSS = "boss@acme.test"


def org_text(people: int, group: str) -> str:
    lines = [
        "org: {name: Acme, reasons: [New project]}",
        "people:",
        f"  - {{id: {BOSS}, name: Big Boss}}",
        *(f"  - {{id: p{n}@acme.test, name: Person {n}, manager: {BOSS}}}" for n in range(people)),
        "applications:",
        "  - id: vpn",
        "    name: VPN",
        "    fulfillment: ldap",
        "    connector: {url_env: LDAP_URL, bind_dn_env: LDAP_BIND_DN, password_env: LDAP_PW,",
        f'                people_base: "{PEOPLE}"}}',
        f'    entitlements: [{{id: "vpn:users", name: Users, target: "{group}"}}]',
        "identities:",
        *(f"  - {{app: vpn, username: u{n}, person: p{n}@acme.test}}" for n in range(people)),
    ]
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--approvals", type=int, default=1_000)
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="bench-ldap-"))
    slapd = start_slapd(work / "slapd")
    try:
        run(args.approvals, slapd, work)
    finally:
        slapd.stop()


def run(n: int, slapd: Slapd, work: Path) -> None:
    url = slapd.url
    started = time.perf_counter()
    slapd.add_people([(f"u{i}", f"Person {i}", f"p{i}@acme.test") for i in range(n)])
    group = slapd.add_group("vpn-users")
    print(f"slapd: {n} people added in {time.perf_counter() - started:.1f} s ({url})")
    engine = make_engine(f"sqlite:///{work / 'bench.db'}")
    migrate(engine)
    clock = SystemClock()
    data = parse_org(org_text(n, group))
    import_org(SqlUnitOfWork(engine), data, actor="bench", clock=clock)
    directory = Directory(data)
    environ = {"LDAP_URL": url, "LDAP_BIND_DN": ADMIN_DN, "LDAP_PW": PASSWORD}
    connectors = OrgConnectors(environ)
    connectors.update(directory)
    started = time.perf_counter()
    ids = [_approved(engine, directory, i) for i in range(n)]
    print(f"{n} requests submitted and approved in {time.perf_counter() - started:.1f} s")
    took: list[float] = []
    started = time.perf_counter()
    for rid in ids:  # each approval queues its grant in the outbox, the worker calls LDAP
        t0 = time.perf_counter()
        fulfill(uow=SqlUnitOfWork(engine), request_id=rid, clock=clock)
        (done,) = deliver_due(uow=SqlUnitOfWork(engine), connectors=connectors, clock=clock)
        took.append((time.perf_counter() - t0) * 1000)
        assert done.request.state is State.FULFILLED, done.result.message
    total = time.perf_counter() - started
    print(
        f"fulfilled through LDAP: {n} approvals in {total:.2f} s, {n / total:.0f}/s; "
        f"per approval p50 {percentile(took, 50):.1f} ms, p99 {percentile(took, 99):.1f} ms"
    )
    members = len(slapd.members(group))
    print(f"group {group} holds {members} members (expected {n})")
    assert members == n


def _approved(engine: Engine, directory: Directory, i: int) -> str:
    clock = SystemClock()
    person = f"p{i}@acme.test"
    item = RequestItem(entitlement_id="vpn:users", app_id="vpn", identity_id=f"vpn:u{i}")
    draft = Draft(
        requester=person,
        beneficiary=person,
        items=[item],
        end=clock.now() + timedelta(days=30),
        reason="New project",
    )
    [request] = submit(
        uow=SqlUnitOfWork(engine),
        directory=directory,
        draft=draft,
        actor=person,
        clock=clock,
        idempotency_key=f"bench-{i}",
    )
    approve(uow=SqlUnitOfWork(engine), request_id=request.id, approver=BOSS, clock=clock)
    return request.id


if __name__ == "__main__":
    main()
