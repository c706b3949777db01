"""What the Slack edge remembers, in the store and nowhere else: dedupe keys, audit
events of refused clicks, and which Slack messages show a request.

Message refs are audit events (`slack.approver_dm`, `slack.task_dm`, `slack.receipt`) carrying the
channel and ts: no extra table, any replica can find them, and they are naturally
append-only. All functions here are synchronous: call them via `asyncio.to_thread`.
"""

from __future__ import annotations

from dataclasses import dataclass

from domain.model.requests import AuditEvent
from slack_app.bootstrap import Runtime

APPROVER_DM = "slack.approver_dm"
TASK_DM = "slack.task_dm"
RECEIPT = "slack.receipt"  # the requester's receipt: reminders and escalations reply under it


@dataclass(frozen=True)
class MessageRef:
    channel: str
    ts: str
    person: str
    step: int | None = None


def claim(runtime: Runtime, key: str) -> bool:
    """True the first time `key` is seen by any process (Slack retries, double clicks)."""
    with runtime.uow() as uow:
        fresh = uow.keys.claim(key, runtime.clock.now())
        uow.commit()
    return fresh


def done(runtime: Runtime, key: str) -> bool:
    """Whether `key` was claimed, changing nothing: the claim is tried and rolled back."""
    with runtime.uow() as uow:
        return not uow.keys.claim(key, runtime.clock.now())  # no commit: only a look


def release(runtime: Runtime, key: str) -> None:
    """Free a notice's key when the notice could not be sent, so a later try can send it."""
    with runtime.uow() as uow:
        uow.keys.release(key)
        uow.commit()


def record(
    runtime: Runtime, *, actor: str, action: str, request_id: str | None = None, **data: object
) -> None:
    """Append one audit event in its own transaction (a refusal, a message sent)."""
    event = AuditEvent(
        at=runtime.clock.now(),
        actor=actor,
        action=action,
        request_id=request_id,
        data={k: v for k, v in data.items() if v is not None},
    )
    with runtime.uow() as uow:
        uow.audit.append(event)
        uow.commit()


def remember_message(runtime: Runtime, kind: str, request_id: str, ref: MessageRef) -> None:
    record(
        runtime,
        actor="system",
        action=kind,
        request_id=request_id,
        channel=ref.channel,
        ts=ref.ts,
        person=ref.person,
        step=ref.step,
    )


def messages(
    runtime: Runtime, kind: str, request_id: str, *, step: int | None = None
) -> list[MessageRef]:
    """The messages of `kind` sent about a request (of one approval step, if given)."""
    with runtime.uow() as uow:
        events = uow.audit.for_request(request_id)
    refs = [_ref(e) for e in events if e.action == kind]
    return [r for r in refs if step is None or r.step == step]


def _ref(event: AuditEvent) -> MessageRef:
    data = event.data
    step = data.get("step")
    return MessageRef(
        channel=str(data.get("channel", "")),
        ts=str(data.get("ts", "")),
        person=str(data.get("person", "")),
        step=int(step) if isinstance(step, int | str) else None,
    )
