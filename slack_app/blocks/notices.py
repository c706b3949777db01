"""Messages to the requester (and beneficiary) as their request moves along.

Each is a whole message payload with a notification `text`: submitted, a step
approved, approved with changes, rejected, granted, failed, expiring soon, expired,
revoked. What to do next is said in words; the one button is Extend on "expiring
soon", which starts the extension conversation (the click carries only the request
id and is checked against the domain). Every string is raw here and escaped once, in
`_notice`.
"""

from __future__ import annotations

from domain.model.directory import Directory
from domain.model.requests import AccessRequest, ApprovalStep, ItemStatus, State
from slack_app.blocks import facts
from slack_app.blocks.escape import mrkdwn
from slack_app.blocks.ids import Action
from slack_app.blocks.kit import Block, actions, button, context, lines_block, message, section

MAX_ITEM_BLOCKS = 10


def _notice(
    icon: str, title: str, detail: str, r: AccessRequest, d: Directory, *extra: str
) -> Block:
    """ "{icon} *{title}* {detail}", the items, the request's id/for/until, then `extra`."""
    about = f"{r.id} · for {facts.name(d, r.beneficiary)}"
    if r.kind.value == "grant":
        about += f" · {facts.until(r.end, d.timezone)}"
    blocks = [
        section(f"{icon} *{mrkdwn(title)}* {mrkdwn(detail)}".rstrip()),
        *lines_block(
            [facts.item_line(d, i) for i in r.items], max_blocks=MAX_ITEM_BLOCKS, more="more items"
        ),
        context(mrkdwn(about)),
        *(context(mrkdwn(e)) for e in extra),
    ]
    return message(blocks, f"{title} {detail} ({about})".replace("  ", " "))


def _comment(text: str) -> list[str]:
    return [f"Comment: “{text}”"] if text else []


def submitted(request: AccessRequest, directory: Directory) -> Block:
    now = facts.progress(directory, request)
    return _notice("📨", f"Request {request.id} submitted:", f"{now}.", request, directory)


def asked_line(directory: Directory, request: AccessRequest, index: int, person: str) -> str:
    """ "Asked Omar Haddad to review step 2 of 2." (the requester's pick of an approver)"""
    step = facts.step_of(request, request.steps[index])
    return f"Asked {facts.name(directory, person)} to review {step}."


def step_approved(
    request: AccessRequest, directory: Directory, *, step_index: int, asked: str | None = None
) -> Block:
    """`asked`: the approver the requester picked for the step now waiting, if any."""
    step = request.steps[step_index]
    by = facts.name(directory, step.decided_by or "an approver")
    nxt = facts.progress(directory, request)
    current = request.current_step
    picked = [asked_line(directory, request, current.index, asked)] if asked and current else []
    return _notice(
        "👍",
        f"{by} approved {facts.step_of(request, step)}.",
        f"Now {nxt}.",
        request,
        directory,
        *picked,
        *_comment(step.comment),
    )


def approved_with_changes(
    request: AccessRequest, directory: Directory, *, step_index: int
) -> Block:
    d, r = directory, request
    step = r.steps[step_index]
    by = facts.name(d, step.decided_by or "an approver")
    changes = []
    dropped = [facts.item_label(d, i) for i in r.items if i.status is ItemStatus.DROPPED]
    if dropped:
        changes.append("left out " + ", ".join(dropped))
    if r.end is not None:
        changes.append("access now lasts " + facts.until(r.end, d.timezone))
    what = "; ".join(changes) or "see the comment"
    return _notice(
        "✏️",
        f"{by} approved with changes:",
        f"{what}. Now {facts.progress(d, r)}.",
        r,
        d,
        *_comment(step.comment),
    )


def after_decision(
    request: AccessRequest,
    directory: Directory,
    step: ApprovalStep,
    *,
    changed: bool,
    asked: str | None = None,
) -> Block:
    """What the requester hears after `step` was decided (`asked`: the next step's pick)."""
    if request.state is State.REJECTED:
        return rejected(request, directory)
    if request.state is State.FULFILLED:
        return granted(request, directory)
    if request.state is State.FAILED:
        return failed(request, directory)
    if changed:
        return approved_with_changes(request, directory, step_index=step.index)
    return step_approved(request, directory, step_index=step.index, asked=asked)


def rejected(request: AccessRequest, directory: Directory) -> Block:
    step = facts.last_decision(request)
    by = facts.name(directory, step.decided_by) if step and step.decided_by else "an approver"
    comment = f": “{step.comment}”" if step and step.comment else "."
    return _notice(
        "❌",
        f"{request.id} was rejected",
        f"by {by}{comment}",
        request,
        directory,
        "Nothing was granted. You can ask again with more context, or talk to the approver.",
    )


def granted(request: AccessRequest, directory: Directory) -> Block:
    when = facts.until(request.end, directory.timezone)
    return _notice("✅", "Access granted,", f"{when}.", request, directory)


def failed(request: AccessRequest, directory: Directory) -> Block:
    owners = sorted(
        {
            facts.name(directory, o)
            for i in request.items
            if i.status is ItemStatus.FAILED and (app := directory.app(i.app_id))
            for o in app.owners
        }
    )
    who = ", ".join(owners) if owners else "an admin"
    return _notice(
        "⚠️",
        "Setting up access failed",
        f"for {request.id}; nothing was granted for the items marked failed.",
        request,
        directory,
        f"What to do: contact {who} with the request id {request.id}, or ask an admin to retry it.",
    )


def expiring_soon(request: AccessRequest, directory: Directory) -> Block:
    when = facts.until(request.end, directory.timezone)
    payload = _notice(
        "⏳",
        "Temporary access ends soon:",
        f"it lasts {when}.",
        request,
        directory,
        "Need it longer? Click Extend (or ask me to extend it) before then; "
        "the extension goes through approval, and until then the current end stands.",
    )
    payload["blocks"].append(actions(button("Extend", Action.EXTEND, request.id)))
    return payload


def expired(request: AccessRequest, directory: Directory) -> Block:
    return _notice(
        "⌛",
        "Temporary access has ended",
        "and was removed.",
        request,
        directory,
        "Need it again? Just ask me.",
    )


def revoked(request: AccessRequest, directory: Directory, *, by: str | None = None) -> Block:
    who = f"by {facts.name(directory, by)}." if by else ""
    return _notice("🔒", "Access removed", who, request, directory)
