"""Extend on the "ends soon" notice (Slack's button, the chat's `/extend ID`): from a
request id to the structured ask that starts an extension conversation.

Only the grant's beneficiary or its requester may start one, and only while the access
is held (fulfilled, with an end). The ask names the request's granted items by id and,
when the requester clicks for someone else, the beneficiary; the agent then asks until
when and shows the extension card (`tools.extension.build_extension`), confirmed with
the card's usual Submit. Nothing here changes a request: the domain checks the
extension again when it is submitted.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal, NotRequired, TypedDict

from domain.errors import InvalidTransition, NotAllowed, NotFound
from domain.ids import key
from domain.model.directory import Directory
from domain.model.requests import TIMED_KINDS, AccessRequest, ItemStatus, State
from slack_app.blocks import facts
from slack_app.bootstrap import Runtime

ONLY_HOLDERS = "Only the person who has this access, or who asked for it, can extend it."


class ExtensionAsk(TypedDict):
    """What `AgentRunner.start` is given: an extension of these entitlements."""

    action: Literal["extend"]
    entitlements: list[str]
    beneficiary: NotRequired[str]


@dataclass(frozen=True)
class ExtensionStart:
    words: str  # how the conversation records the click: "Extend GitHub · Write (AR-1)"
    ask: ExtensionAsk


def extension_start(runtime: Runtime, request_id: str, *, actor: str) -> ExtensionStart:
    """The ask for extending `request_id`'s access, as `actor` (a person id) starts it;
    NotFound when there is no such request, else as `extension_of`."""
    with runtime.uow() as uow:
        request = uow.requests.get(request_id)
    if request is None:
        raise NotFound(f"There is no request {request_id}.")
    return extension_of(runtime.directory(), request, actor=actor)


def extension_of(directory: Directory, request: AccessRequest, *, actor: str) -> ExtensionStart:
    """Raises NotAllowed (`actor` is not its beneficiary or requester) or
    InvalidTransition (its access is not held any more), each with a message for people."""
    if key(actor) not in {key(request.beneficiary), key(request.requester)}:
        raise NotAllowed(ONLY_HOLDERS, code="not_allowed_to_extend")
    granted = _granted(request)
    if not granted:
        raise InvalidTransition(
            f"{request.id} is {request.state.value}: there is nothing to extend. Ask me for "
            "it again if you still need it.",
            code="nothing_to_extend",
        )
    ask = ExtensionAsk(action="extend", entitlements=granted)
    if key(actor) != key(request.beneficiary):
        ask["beneficiary"] = request.beneficiary
    return ExtensionStart(words=_words(directory, request, granted), ask=ask)


def _granted(request: AccessRequest) -> list[str]:
    """The entitlements the request holds now with an end (none once it ended)."""
    if request.state is not State.FULFILLED or request.kind not in TIMED_KINDS:
        return []
    if request.end is None:
        return []
    return [i.entitlement_id for i in request.items if i.status is ItemStatus.DONE]


def _words(directory: Directory, request: AccessRequest, granted: list[str]) -> str:
    wanted = {key(e) for e in granted}
    labels = [
        facts.item_label(directory, i) for i in request.items if key(i.entitlement_id) in wanted
    ]
    return f"Extend {', '.join(labels)} ({request.id})"
