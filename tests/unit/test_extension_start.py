"""Extend on the "ends soon" notice: who may start an extension, and the ask it starts
(docs/specs/conversation.md §4)."""

from __future__ import annotations

import pytest

from domain.errors import InvalidTransition, NotAllowed
from domain.model.requests import State
from slack_app.services.extension import ONLY_HOLDERS, extension_of
from tests.orgs import small_directory
from tests.unit.blocks.sample_requests import requests

D = small_directory()
GRANTED = requests()["granted"]  # AR-1006: Dana asked for Alex, GitHub · Write, fulfilled


def test_the_beneficiary_extends_their_own_access() -> None:
    start = extension_of(D, GRANTED, actor="alex@t.test")
    assert start.ask == {"action": "extend", "entitlements": ["github:write"]}
    assert start.words == "Extend GitHub · Write (AR-1006)"


def test_the_requester_extends_it_for_the_beneficiary() -> None:
    start = extension_of(D, GRANTED, actor="Dana@t.test")
    assert start.ask.get("beneficiary") == "alex@t.test"


def test_anyone_else_is_refused() -> None:
    with pytest.raises(NotAllowed, match=ONLY_HOLDERS):
        extension_of(D, GRANTED, actor="omar@t.test")


@pytest.mark.parametrize(
    "update", [{"state": State.EXPIRED}, {"state": State.REVOKED}, {"end": None}]
)
def test_access_no_longer_held_or_permanent_has_nothing_to_extend(
    update: dict[str, object],
) -> None:
    ended = GRANTED.model_copy(update=update)
    with pytest.raises(InvalidTransition, match="nothing to extend"):
        extension_of(D, ended, actor="alex@t.test")
