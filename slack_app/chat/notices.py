"""What Slack would DM the requester (and a different beneficiary), said in the chat.

The same builders as the Slack DMs (`slack_app.blocks.notices`), flattened to lines:
a step approved or approved with changes, rejected with the comment, granted or
failed, and what the scheduler finds (ends soon, ended). The chat has no background
loop, so it runs the scheduler's domain tick before each line it reads; the tick
claims each expiry and warning in the store, so a `serve` on the same database and
the chat never both tell.
"""

from __future__ import annotations

from datetime import timedelta

from domain.ids import key
from domain.model.requests import AccessRequest, State
from domain.usecases.scheduler import tick
from slack_app.blocks import facts, notices
from slack_app.blocks.kit import Block
from slack_app.bootstrap import Runtime
from slack_app.chat import render
from slack_app.services.deliveries import deliver_now


def to_holders(runtime: Runtime, request: AccessRequest, payload: Block) -> list[str]:
    """ "→ to Alex Meyer (alex@…):" and the notice's lines, indented."""
    d = runtime.directory()
    people = [request.requester]
    if key(request.beneficiary) != key(request.requester):
        people.append(request.beneficiary)
    whom = " and ".join(f"{render.name(d, p)} ({p})" for p in people)
    return [f"  → to {whom}:", *(f"      {line}" for line in render.notice(payload))]


def after_decision(runtime: Runtime, request: AccessRequest, *, changed: bool) -> list[str]:
    step = facts.last_decision(request)
    if step is None:
        return []
    d = runtime.directory()
    return to_holders(runtime, request, notices.after_decision(request, d, step, changed=changed))


def after_task(runtime: Runtime, request: AccessRequest) -> list[str]:
    d = runtime.directory()
    if request.state is State.FULFILLED:
        return to_holders(runtime, request, notices.granted(request, d))
    if request.state is State.FAILED:
        return to_holders(runtime, request, notices.failed(request, d))
    return []


def scheduled(runtime: Runtime, *, warn_before: timedelta) -> list[str]:
    """One scheduler tick, and what it would DM."""
    report = tick(uow=runtime.uow(), clock=runtime.clock, warn_before=warn_before)
    deliver_now(runtime)  # the revokes the tick queued: the chat runs no outbox worker
    d = runtime.directory()
    lines: list[str] = []
    for request in report.expiring:
        lines += to_holders(runtime, request, notices.expiring_soon(request, d))
    for request in report.expired:
        lines += to_holders(runtime, request, notices.expired(request, d))
    for request in report.resumed:
        lines += after_task(runtime, request)
    return lines
