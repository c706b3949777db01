"""What the app owners (and the alerts channel) hear from the outbox worker: a
connector granted or took away access, or failed with its error — then with a Retry
button that queues the same call again (the value is the outbox row's id; the click
re-checks that the clicker owns the app)."""

from __future__ import annotations

from domain.model.directory import Directory
from domain.model.requests import AccessRequest
from domain.ports import Delivery, OutboxAction
from slack_app.blocks import facts
from slack_app.blocks.approvals import request_facts
from slack_app.blocks.escape import mrkdwn
from slack_app.blocks.ids import Action, pack
from slack_app.blocks.kit import Block, actions, button, context, header, message, section

MAX_ERROR = 1500


def _what(d: Directory, request: AccessRequest, delivery: Delivery) -> str:
    verb = "grant" if delivery.action is OutboxAction.GRANT else "removal"
    who = facts.name(d, request.beneficiary)
    return f"{verb} of {delivery.entitlement_id} for {who}"


def delivered(request: AccessRequest, directory: Directory, delivery: Delivery) -> Block:
    """FYI to the owners: the connector did it."""
    what = _what(directory, request, delivery)
    blocks = [section(f"✅ {mrkdwn(what.capitalize())} done by the connector ({request.id}).")]
    return message(blocks, f"{request.id}: {what} done")


def delivery_failed(
    request: AccessRequest, directory: Directory, delivery: Delivery, error: str
) -> Block:
    """To the owners: the connector's error, and Retry."""
    what = _what(directory, request, delivery)
    blocks = [
        header(f"Connector failed ({request.id})"),
        *request_facts(request, directory),
        section(f"⚠️ The {mrkdwn(what)} failed:\n```{mrkdwn(error[:MAX_ERROR])}```"),
        actions(
            button("Retry", Action.RETRY_DELIVERY, str(delivery.id), style="primary"),
            block_id=pack(Action.DELIVERY, str(delivery.id)),
        ),
    ]
    return message(blocks, f"{request.id}: the {what} failed: {error[:200]}")


def retried(request: AccessRequest, directory: Directory, delivery: Delivery, *, by: str) -> Block:
    """The failed message once an owner clicked Retry (buttons gone)."""
    what = _what(directory, request, delivery)
    text = f"🔁 {facts.name(directory, by)} retried the {what}."
    return message([section(mrkdwn(text))], f"{request.id}: {text}")


def alert(request: AccessRequest, directory: Directory, delivery: Delivery, error: str) -> Block:
    """To the alerts channel, once per failed call."""
    what = _what(directory, request, delivery)
    blocks = [
        section(f"🚨 *Connector failure* ({request.id}): the {mrkdwn(what)} failed."),
        context(mrkdwn(error[:MAX_ERROR])),
    ]
    return message(blocks, f"Connector failure {request.id}: {what}: {error[:200]}")
