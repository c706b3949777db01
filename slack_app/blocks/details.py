"""A request's details in a modal (App Home "Details"): the facts and where it stands."""

from __future__ import annotations

from domain.model.directory import Directory
from domain.model.requests import AccessRequest
from slack_app.blocks.approvals import decision_line, request_facts
from slack_app.blocks.escape import mrkdwn
from slack_app.blocks.ids import Action
from slack_app.blocks.kit import Block, context, modal, section


def request_details(request: AccessRequest, directory: Directory) -> Block:
    blocks = [
        section(f"*{mrkdwn(request.id)}* · {mrkdwn(request.state.value)}"),
        *request_facts(request, directory),
        context(decision_line(request, directory)),
    ]
    return modal(
        Action.REQUEST_DETAILS_MODAL, f"Request {request.id}", blocks, private_metadata=request.id
    )
