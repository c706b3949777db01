"""Extension requests through the domain: checked at submit, the old end stands until
approved, expiry uses the new end after (docs/specs/conversation.md §4)."""

from __future__ import annotations

from datetime import timedelta

import pytest

from domain.connectors import ConnectorRegistry
from domain.errors import DomainError
from domain.model.requests import RequestItem, RequestKind, State
from domain.usecases.decisions import approve
from domain.usecases.submission import Draft, submit
from tests.orgs import NOW
from tests.outboxes import expire_now, fulfil_now
from tests.unit.test_lifecycle import ALEX, DANA, OMAR, _granted, _ids, directory, env

__all__ = ["env"]


def extension(ent: str, identity: str, days: int) -> Draft:
    return Draft(
        kind=RequestKind.EXTEND,
        requester=ALEX,
        beneficiary=ALEX,
        items=[
            RequestItem(
                entitlement_id=ent, app_id=ent.split(":", maxsplit=1)[0], identity_id=identity
            )
        ],
        end=NOW + timedelta(days=days),
        reason="New project",
    )


def test_extension_moves_the_end_only_once_approved_and_expiry_follows(env) -> None:  # type: ignore[no-untyped-def]
    uow, clock = env
    granted = _granted(uow, clock)  # github:write until NOW + 7 days
    (ext,) = submit(
        uow=uow,
        directory=directory(uow),
        draft=extension("github:write", "github:alex-m", 20),
        actor=ALEX,
        clock=clock,
        new_id=lambda: "AR-EXT",
    )
    assert "github:write" not in directory(uow).held_by(ALEX, at=NOW + timedelta(days=8))
    approve(uow=uow, request_id=ext.id, approver=DANA, clock=clock)
    approve(uow=uow, request_id=ext.id, approver=OMAR, clock=clock)
    done = fulfil_now(uow, ext.id, clock, ConnectorRegistry())
    assert done.state is State.FULFILLED
    assert "github:write" in directory(uow).held_by(ALEX, at=NOW + timedelta(days=8))
    clock.advance(days=7)
    assert expire_now(uow, clock, ConnectorRegistry()) == []
    assert "github:write" in directory(uow).held_by(ALEX, at=clock.now())
    with uow:
        assert uow.requests.get(granted.id).state is State.EXPIRED
    clock.advance(days=13)
    expired = expire_now(uow, clock, ConnectorRegistry())
    assert [r.id for r in expired] == ["AR-EXT"]
    assert "github:write" not in directory(uow).held_by(ALEX)


def test_extension_is_checked_at_submit(env) -> None:  # type: ignore[no-untyped-def]
    uow, clock = env
    _granted(uow, clock)

    def refused(d: Draft) -> str:
        with pytest.raises(DomainError) as exc:
            submit(
                uow=uow, directory=directory(uow), draft=d, actor=ALEX, clock=clock, new_id=_ids()
            )
        return exc.value.code

    assert refused(extension("github:read", "github:alex-m", 20)) == "not_extendable"  # permanent
    assert refused(extension("github:write", "github:alex-m", 3)) == "not_later"
    assert refused(extension("github:write", "github:alex-m", 400)) == "over_cap"
    no_end = extension("github:write", "github:alex-m", 20)
    no_end.end = None
    assert refused(no_end) == "extend_permanent"
