"""An approved request to an LDAP-backed app, through the runtime the product builds:
granted in slapd, revoked at its end, each step in the audit trail."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest

from domain.model.lifecycle import load
from domain.model.requests import RequestItem, State
from domain.ports import FixedClock
from domain.usecases.decisions import approve
from domain.usecases.submission import Draft, submit
from slack_app.bootstrap import Runtime, build_runtime
from slack_app.settings import Settings
from slack_app.testing.slapd import ADMIN_DN, PASSWORD, Slapd
from tests.integration.connectors.org import NOW, ORG
from tests.integration.connectors.servers import run_slapd
from tests.outboxes import expire_now, fulfil_now

PRIYA, OMAR = "priya@acme.test", "omar@acme.test"


@pytest.fixture(scope="module")
def slapd(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Slapd]:
    yield from run_slapd(tmp_path_factory.mktemp("slapd"))


def runtime(tmp_path: Path, slapd: Slapd, group: str, monkeypatch: pytest.MonkeyPatch) -> Runtime:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("LDAP_URL", slapd.url)
    monkeypatch.setenv("LDAP_BIND_DN", ADMIN_DN)
    org = tmp_path / "org.yaml"
    org.write_text(ORG.replace("cn=vpn-users,ou=groups,dc=acme,dc=test", group), "utf-8")
    settings = Settings(
        database_url=f"sqlite:///{tmp_path / 'app.db'}", org_file=str(org), model="offline"
    )
    return build_runtime(settings, clock=FixedClock(NOW))


def approved(rt: Runtime) -> str:
    item = RequestItem(entitlement_id="vpn:users", app_id="vpn", identity_id="vpn:priya")
    draft = Draft(
        requester=PRIYA, beneficiary=PRIYA, items=[item], end=NOW + timedelta(days=7),
        reason="New project",
    )  # fmt: skip
    [request] = submit(
        uow=rt.uow(), directory=rt.directory(), draft=draft, actor=PRIYA, clock=rt.clock,
        idempotency_key="card-1",
    )  # fmt: skip
    assert approve(uow=rt.uow(), request_id=request.id, approver=OMAR, clock=rt.clock).state is (
        State.APPROVED
    )
    return request.id


def trail(rt: Runtime, request_id: str) -> list[tuple[str, object]]:
    with rt.uow() as uow:
        return [
            (e.action, e.data.get("message") or e.data.get("errors"))
            for e in uow.audit.for_request(request_id)
        ]


def test_granted_in_ldap_then_revoked_at_its_end(
    tmp_path: Path, slapd: Slapd, monkeypatch: pytest.MonkeyPatch
) -> None:
    dn = slapd.add_person("priya", "Priya Raman", PRIYA)
    group = slapd.add_group("vpn-lifecycle")
    monkeypatch.setenv("LDAP_PASSWORD", PASSWORD)
    rt = runtime(tmp_path, slapd, group, monkeypatch)
    rid = approved(rt)
    done = fulfil_now(rt.uow(), rid, rt.clock, rt.connectors)
    assert done.state is State.FULFILLED
    assert slapd.members(group) == {dn.lower()}
    assert rt.clock.now() == NOW  # a FixedClock
    rt.clock.advance(days=7, minutes=1)  # type: ignore[attr-defined]
    expiring = expire_now(rt.uow(), rt.clock, rt.connectors)
    assert len(expiring) == 1, trail(rt, rid)[-2:]
    with rt.uow() as uow:
        assert load(uow, rid).state is State.EXPIRED
    assert slapd.members(group) == set()
    actions = [a for a, _ in trail(rt, rid)]
    assert actions.count("item.done") == 1 and "request.fulfilled" in actions


def test_an_unset_secret_fails_the_item_with_an_audited_reason(
    tmp_path: Path, slapd: Slapd, monkeypatch: pytest.MonkeyPatch
) -> None:
    group = slapd.add_group("vpn-unset")
    monkeypatch.delenv("LDAP_PASSWORD", raising=False)
    rt = runtime(tmp_path, slapd, group, monkeypatch)  # starts all the same
    rid = approved(rt)
    done = fulfil_now(rt.uow(), rid, rt.clock, rt.connectors)
    assert done.state is State.FAILED
    [(_, message)] = [(a, m) for a, m in trail(rt, rid) if a == "item.failed"]
    assert message == (
        "ldap connector of vpn is not configured: environment variable LDAP_PASSWORD not set"
    )
    assert slapd.members(group) == set()
