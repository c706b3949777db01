"""Cancel on the receipt and in App Home: the requester withdraws an open request.

The click carries only the request id; the domain checks that the clicker is its
requester and that it is not being set up yet. After the commit the approvers' DMs
say it was withdrawn, the receipt is redrawn (its Cancel buttons follow the requests'
states) and App Home is published again. The same path serves "cancel my GitHub
request" typed in a DM (`withdraw_for`).
"""

from __future__ import annotations

from typing import Any

from slack_bolt.async_app import AsyncAck, AsyncApp

from domain.errors import DomainError, InvalidTransition, NotAllowed
from domain.model.requests import AccessRequest
from slack_app.blocks.confirmation import receipt
from slack_app.blocks.ids import Action, pattern, unpack
from slack_app.listeners import home
from slack_app.listeners.card import card_ref
from slack_app.listeners.deps import SlackDeps
from slack_app.listeners.edge import acting_person, blocking, tell, update, user_of
from slack_app.services.picks import asked
from slack_app.services.requests import withdraw
from slack_app.slackapi import notify

ONLY_REQUESTER = "Only the requester can cancel this request."


def register(app: AsyncApp, deps: SlackDeps) -> None:
    @app.action(pattern(Action.WITHDRAW))
    async def on_withdraw(ack: AsyncAck, body: dict[str, Any], action: dict[str, Any]) -> None:
        await ack()
        await clicked(deps, body, str(action.get("value") or ""))


async def withdraw_for(deps: SlackDeps, person_id: str, request_id: str) -> tuple[bool, str]:
    """Withdraw `request_id` for `person_id` and update the approvers' messages; whether
    it was withdrawn, and what to say (a refusal is said, never raised)."""
    try:
        request = await blocking(withdraw, deps.runtime, request_id, actor=person_id)
    except NotAllowed:
        return False, ONLY_REQUESTER
    except InvalidTransition:
        where = await _where(deps, request_id)
        return False, f"{request_id} can't be cancelled any more: {where}."
    except DomainError as exc:
        return False, f"Not cancelled: {exc.message}"
    await notify.withdrawn(deps, request)
    return True, f"Cancelled {request.id}; the approvers were told it was withdrawn."


async def clicked(deps: SlackDeps, body: dict[str, Any], request_id: str) -> None:
    person = await acting_person(deps, body)
    if person is None:
        return
    done, said = await withdraw_for(deps, person.id, request_id)
    await tell(deps, body, said)
    if not done:
        return
    if (body.get("view") or {}).get("type") == "home":
        await home.publish(deps, user_of(body), person)
        return
    on_receipt = _receipt_ids(body)
    card = card_ref(body, person.id)
    if on_receipt and card is not None:
        made = await blocking(_load, deps, on_receipt)
        directory = await blocking(deps.runtime.directory)
        picked = {r.id: await blocking(asked, deps.runtime, r.id) for r in made}
        await update(deps, card, receipt(made, directory, picked))


def _receipt_ids(body: dict[str, Any]) -> list[str]:
    block = str((body.get("actions") or [{}])[0].get("block_id") or "")
    parts = unpack(block)
    return parts[1:] if parts[0] == Action.RECEIPT else []


def _load(deps: SlackDeps, ids: list[str]) -> list[AccessRequest]:
    with deps.runtime.uow() as uow:
        return [r for i in ids if (r := uow.requests.get(i)) is not None]


async def _where(deps: SlackDeps, request_id: str) -> str:
    found = await blocking(_load, deps, [request_id])
    return f"it is {found[0].state.value}" if found else "there is no such request"
