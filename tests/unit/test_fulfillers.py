"""Nobody carries out their own grant: who gets the manual fulfilment task."""

from __future__ import annotations

from functools import partial

import pytest

from domain.errors import NotAllowed
from domain.model.policy import fulfillers
from domain.model.requests import AccessRequest, ItemStatus, RequestItem, State
from domain.ports import FixedClock
from domain.store.memory import InMemoryUnitOfWork
from domain.usecases.fulfillment import complete_task
from slack_app.blocks.tasks import owned_items
from tests.orgs import NOW, small_directory
from tests.unit.test_four_eyes import directory as four_eyes_directory

D = small_directory()


def asked(requester: str, beneficiary: str, ent: str) -> AccessRequest:
    app = ent.split(":", maxsplit=1)[0]
    item = RequestItem(
        entitlement_id=ent, app_id=app, identity_id="new", status=ItemStatus.FULFILLING
    )
    return AccessRequest(
        id="AR-1",
        kind="grant",
        requester=requester,
        beneficiary=beneficiary,
        items=[item],
        reason="Other",
        state=State.FULFILLING,
        created_at=NOW,
        updated_at=NOW,
    )


def test_the_owners_get_the_task_for_someone_else() -> None:
    assert fulfillers(D, asked("alex@t.test", "alex@t.test", "github:write"), "github") == [
        "omar@t.test"
    ]


def test_an_owner_asking_never_gets_their_own_task_the_other_owners_do() -> None:
    d = four_eyes_directory()
    request = asked("nadia@t.test", "nadia@t.test", "db:root")
    assert fulfillers(d, request, "db") == ["omar@t.test"]
    assert owned_items(request, d, "nadia@t.test") == []
    assert len(owned_items(request, d, "omar@t.test")) == 1


def test_the_only_owner_asking_for_a_report_hands_the_task_to_the_admins() -> None:
    request = asked("omar@t.test", "omar@t.test", "github:write")
    assert fulfillers(D, request, "github") == ["ines@t.test"]
    assert owned_items(request, D, "omar@t.test") == []
    for_someone = asked("dana@t.test", "omar@t.test", "github:write")  # the beneficiary
    assert fulfillers(D, for_someone, "github") == ["ines@t.test"]


def test_an_owner_cannot_mark_their_own_grant_done_an_admin_can() -> None:
    uow = InMemoryUnitOfWork(D.data)
    with uow:
        uow.requests.add(asked("omar@t.test", "omar@t.test", "github:write"))
        uow.commit()
    close = partial(complete_task, uow=uow, directory=D, request_id="AR-1", success=True)
    with pytest.raises(NotAllowed) as refused:
        close(actor="omar@t.test", clock=FixedClock(NOW))  # github's only owner
    assert refused.value.code == "own_task"
    done = close(actor="ines@t.test", clock=FixedClock(NOW), username="omar-2")
    assert done.state is State.FULFILLED
