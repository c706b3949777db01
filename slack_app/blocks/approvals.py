"""What approvers see: the approval DM, the same DM once decided, and the two modals.

Buttons carry only the request id; the decision use case checks that whoever clicked
is eligible for the current step, whatever the message shows.
"""

from __future__ import annotations

from domain.model.directory import Directory
from domain.model.foureyes import runs
from domain.model.requests import AccessRequest, ApprovalStep, State, StepStatus
from slack_app.blocks import facts
from slack_app.blocks.approval_modals import approve_changes_modal, reject_modal
from slack_app.blocks.escape import mrkdwn
from slack_app.blocks.ids import Action, pack
from slack_app.blocks.kit import (
    Block,
    actions,
    button,
    confirm,
    context,
    fields,
    header,
    lines_block,
    message,
)

__all__ = [
    "approve_changes_modal",
    "approver_dm",
    "decided_dm",
    "decision_buttons",
    "decision_line",
    "reject_modal",
    "request_facts",
]

MAX_ITEM_BLOCKS = 20


def request_facts(request: AccessRequest, directory: Directory) -> list[Block]:
    """Who, for whom, what, how long, why: the blocks every view of a request starts with."""
    d, r = directory, request
    pairs = [
        ("Requested by", mrkdwn(facts.who(d, r.requester))),
        ("For", mrkdwn(facts.who(d, r.beneficiary))),
        ("How long", _how_long(r, d)),
        ("Why", mrkdwn(facts.reason(r))),
    ]
    like = facts.access_like(d, r)
    if like:
        pairs.append(("Access like", mrkdwn(like)))
    verb = "Remove" if r.kind.value == "revoke" else "Grant"
    lines = [f"*{verb}:*", *(facts.item_line(d, i) for i in r.items)]
    blocks = [fields(pairs), *lines_block(lines, max_blocks=MAX_ITEM_BLOCKS, more="more items")]
    privileged = facts.privileged_labels(d, r)
    if privileged:
        blocks.append(context("⚠ *Privileged access:* " + mrkdwn(", ".join(privileged))))
    return blocks


def _how_long(r: AccessRequest, d: Directory) -> str:
    if r.kind.value == "revoke":
        return "now"
    text = facts.until(r.end, d.timezone)
    return text + " _(capped)_" if r.capped else text


def _chain(request: AccessRequest, directory: Directory) -> str:
    """ "Approval: 1. ✓ Dana Kim → 2. Nadia Petrov · manager, owner" (a run of steps
    with the same approvers is one step)."""
    parts = [
        f"{n}. {_run_who(run, directory)}{facts.roles(run)}"
        for n, run in enumerate(runs(request.steps), 1)
    ]
    return "Approval: " + " → ".join(mrkdwn(p) for p in parts)


def _run_who(run: list[ApprovalStep], directory: Directory) -> str:
    deciders = list(dict.fromkeys(s.decided_by for s in run if s.decided_by))
    decided = [facts.name(directory, p) for p in deciders]
    if any(s.status is StepStatus.REJECTED for s in run):
        return "✗ " + ", ".join(decided)
    done = "✓ " + " and ".join(decided) if decided else ""
    if all(s.decided_by for s in run):
        return done
    waiting = facts.names(directory, run[-1].approvers)
    return f"{done}, then {waiting}" if done else waiting


def approver_dm(request: AccessRequest, directory: Directory, *, step_index: int) -> Block:
    d, r = directory, request
    step = r.steps[step_index]
    asker = facts.name(d, r.requester)
    blocks = [
        header(f"{asker} asks for access ({r.id})"),
        *request_facts(r, d),
        context(f"*{facts.step_of(r, step).capitalize()}*", _chain(r, d)),
        decision_buttons(r, d),
    ]
    what = ", ".join(facts.item_label(d, i) for i in r.active_items)
    text = (
        f"{asker} asks for {what} for {facts.name(d, r.beneficiary)} "
        f"({r.id}, {facts.step_of(r, step)}): approve or reject?"
    )
    return message(blocks, text)


def decision_buttons(
    request: AccessRequest, directory: Directory, *, details: bool = False
) -> Block:
    privileged = facts.privileged_labels(directory, request)
    ask = None
    if privileged:
        ask = confirm(
            "Approve privileged access?",
            f"{mrkdwn(request.id)} includes privileged access: {mrkdwn(', '.join(privileged))}.",
            yes="Approve",
        )
    rid = request.id
    elements = [
        button("Approve", Action.APPROVE, rid, style="primary", ask=ask),
        button("Approve with changes", Action.APPROVE_WITH_CHANGES, rid),
        button("Reject", Action.REJECT, rid, style="danger"),
    ]
    if details:
        elements.append(button("Details", Action.OPEN_REQUEST, rid))
    return actions(*elements, block_id=pack(Action.DECISION, rid))


def decided_dm(request: AccessRequest, directory: Directory) -> Block:
    """The approval DM after a decision (by anyone): the same facts, no live buttons."""
    d, r = directory, request
    outcome = decision_line(r, d)
    blocks = [
        header(f"{facts.name(d, r.requester)} asked for access ({r.id})"),
        *request_facts(r, d),
        context(_chain(r, d)),
        context(outcome),
    ]
    return message(blocks, f"{r.id}: {decision_line(r, d, raw=True)}")


def decision_line(request: AccessRequest, directory: Directory, *, raw: bool = False) -> str:
    """ "✅ *Approved* by Dana Kim at 16:05, Wed 4 Mar 2026" (mrkdwn, or plain with `raw`)."""
    step = facts.last_decision(request)
    if request.state is State.CANCELLED:
        return "🚫 Withdrawn by the requester."
    if step is None or step.decided_by is None:
        now = f"Now {facts.progress(directory, request)}."
        return now if raw else mrkdwn(now)
    icon, verb = ("❌", "Rejected") if step.status is StepStatus.REJECTED else ("✅", "Approved")
    by = facts.name(directory, step.decided_by)
    when = f" at {facts.at(step.decided_at, directory.timezone)}" if step.decided_at else ""
    comment = f": “{step.comment}”" if step.comment else ""
    if raw:
        return f"{verb} by {by}{when}{comment}"
    return f"{icon} *{verb}* by {mrkdwn(by)}{when}{mrkdwn(comment)}"
