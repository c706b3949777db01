"""The confirmation card: what the proposal would request, and Submit / Edit / Cancel.

Submitting is the requester's own click. The items are tick boxes, all ticked
(`card_items`): Submit requests only the ticked ones. The reason select is part of the
card; the submit handler reads it from `state.values[REASON_SELECT][REASON_SELECT]` and
refuses to submit without one. A step with several eligible approvers gets an optional
"who should review" select (`pick_approver|<group>|<step>`, "anyone" by default): the
pick only decides who is DM'd, and the submit handler checks it against the domain.
After Submit the card is replaced by `receipt`, after Cancel by `cancelled_card`, so
no stale button stays clickable.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date

from agent.phrasing import proposal_text
from domain.model.directory import Directory
from domain.model.requests import AccessRequest
from slack_app.blocks import facts, notices
from slack_app.blocks.approver_picks import approver_pickers
from slack_app.blocks.card_items import UTC_ZONE, item_boxes
from slack_app.blocks.escape import mrkdwn
from slack_app.blocks.ids import Action, pack
from slack_app.blocks.kit import (
    MAX_OPTIONS,
    Block,
    actions,
    button,
    confirm,
    context,
    header,
    lines_block,
    message,
    option,
    section,
)
from tools.proposal_models import Proposal, RouteGroup

MAX_ROUTE_BLOCKS = 6
TICK_HINT = "Untick what you don't need, then Submit: only the ticked items are requested."


def confirmation_card(
    proposal: Proposal,
    *,
    reasons: list[str],
    thread: str,
    directory: Directory | None = None,
    changed: str | None = None,
) -> Block:
    """`directory` adds the approvers' titles to the "who should review" selects and
    shows item ends in the org's time zone; `changed` is the one line saying what the
    requester's last message changed on the card ("Removed Snowflake · Analyst.")."""
    p = proposal
    who = p.beneficiary or p.requester
    verb = {"revoke": "Remove access", "extend": "Extend access"}.get(p.kind, "Request access")
    blocks = [header(f"{verb} for {who.name}")]
    if changed:
        blocks.append(section(f"✏️ {mrkdwn(changed)}"))
    blocks += [section(_whom(p)), context(TICK_HINT)]
    blocks += item_boxes(p, directory.timezone if directory else UTC_ZONE)
    if p.kind != "revoke":
        label = "New end" if p.kind == "extend" else "Duration"
        blocks.append(section(f"*{label}:* {_duration(p)}"))
    blocks += _reason(p, reasons)
    blocks += _route(p)
    blocks += approver_pickers(p, directory)
    if p.warnings:
        blocks.append(context("\n".join(f"⚠ {mrkdwn(w)}" for w in p.warnings)))
    blocks.append(_buttons(p, thread))
    return message(blocks, proposal_text(p.model_dump()))


def _whom(p: Proposal) -> str:
    who = p.beneficiary or p.requester
    title = f" ({mrkdwn(who.title)})" if who.title else ""
    text = f"*For:* {mrkdwn(who.name)}{title}"
    if who.id != p.requester.id:
        text += f" — on behalf, requested by {mrkdwn(p.requester.name)}"
    like = p.access_like
    if like is not None and like.kind != "custom":
        text += f"\n*Access like:* {like.kind.replace('_', ' ')} {mrkdwn(like.label or '')}"
    return text


def _duration(p: Proposal) -> str:
    d = p.duration
    if d is None or d.status == "permanent":
        return "permanent"
    if not d.end_date:
        return "not set yet"
    text = f"until end of {facts.day(date.fromisoformat(d.end_date))}"
    if d.capped:
        asked = (
            "permanent"
            if d.permanent_requested or not d.requested_end_date
            else facts.day(date.fromisoformat(d.requested_end_date))
        )
        text += f" _(capped: you asked for {asked})_"
    return text


def _reason(p: Proposal, reasons: list[str]) -> list[Block]:
    words = [context(f"In your words: “{mrkdwn(p.reason_text)}”")] if p.reason_text else []
    if not reasons:  # an org without reasons: nothing to pick (Slack rejects empty selects)
        return words
    options = [option(r, r) for r in reasons[:MAX_OPTIONS]]
    select: Block = {
        "type": "static_select",
        "action_id": Action.REASON_SELECT,
        "placeholder": {"type": "plain_text", "text": "Pick a reason (required)"},
        "options": options,
    }
    chosen = next((o for o in options if o["value"] == p.reason), None)
    if chosen is not None:
        select["initial_option"] = chosen
    return [section("*Reason*", accessory=select, block_id=Action.REASON_SELECT), *words]


def _route(p: Proposal) -> list[Block]:
    if not p.routes:
        return []
    labels = {i.entitlement_id: i.label for i in p.items}
    lines = [_route_line(g, labels, several=len(p.routes) > 1) for g in p.routes]
    return lines_block(["*Approval*", *lines], max_blocks=MAX_ROUTE_BLOCKS, more="more routes")


def _route_line(group: RouteGroup, labels: dict[str, str], *, several: bool) -> str:
    chain = " → ".join(
        f"{n}. {mrkdwn(' or '.join(s.approver_names))}"
        + (f" _({mrkdwn(s.note)})_" if s.note else "")
        for n, s in enumerate(group.steps, start=1)
    )
    if not several:
        return chain
    what = ", ".join(labels.get(e, e) for e in group.entitlement_ids)
    return f"• {mrkdwn(what)}: {chain}"


def _buttons(p: Proposal, thread: str) -> Block:
    privileged = [i.label for i in p.items if i.privileged]
    ask = None
    if privileged:
        ask = confirm(
            "Submit privileged access?",
            "This asks for privileged access: " + mrkdwn(", ".join(privileged)),
            yes="Submit",
        )
    return actions(
        button("Submit", Action.SUBMIT, pack(thread, p.fingerprint()), style="primary", ask=ask),
        button("Edit", Action.EDIT, thread),
        button("Cancel", Action.CANCEL, thread, style="danger"),
        block_id=Action.CONFIRM_ACTIONS,
    )


def receipt(
    requests: list[AccessRequest],
    directory: Directory,
    asked: Mapping[str, Mapping[int, str]] | None = None,
) -> Block:
    """The card after Submit: one line per request created, where each stands, and
    whom the requester asked to review (`asked`: request id -> step index -> person)."""
    plural = "s" if len(requests) != 1 else ""
    lines = [_receipt_line(r, directory, (asked or {}).get(r.id, {})) for r in requests]
    words = next((r.comment for r in requests if r.comment), "")
    blocks = [
        header(f"Request{plural} submitted"),
        *lines_block(lines, max_blocks=40, more="more requests"),
        *(
            [context(f"Your justification, as the approvers see it: “{mrkdwn(words)}”")]
            if words
            else []
        ),
        context("I'll message you here when each step is decided."),
        *withdraw_buttons(requests),
    ]
    text = "Submitted: " + "; ".join(f"{r.id}, {facts.progress(directory, r)}" for r in requests)
    return message(blocks, text)


def withdraw_buttons(requests: list[AccessRequest]) -> list[Block]:
    """A Cancel button per request still waiting for approval (none when no request
    can be withdrawn). The block id names every request on the receipt, so a click
    can redraw it."""
    open_ = [r for r in requests if r.state.value in ("submitted", "approved")]
    if not open_:
        return []
    one = len(requests) == 1
    buttons = [
        button(
            "Cancel request" if one else f"Cancel {r.id}",
            pack(Action.WITHDRAW, str(n)),
            r.id,
            style="danger",
            ask=confirm(
                f"Cancel {r.id}?", "The approvers are told it was withdrawn.", yes="Cancel it"
            ),
        )
        for n, r in enumerate(open_)
    ]
    return [actions(*buttons, block_id=pack(Action.RECEIPT, *(r.id for r in requests)))]


def _receipt_line(r: AccessRequest, directory: Directory, asked: Mapping[int, str]) -> str:
    what = ", ".join(mrkdwn(facts.item_label(directory, i)) for i in r.active_items)
    when = facts.until(r.end, directory.timezone)
    who = mrkdwn(facts.name(directory, r.beneficiary))
    line = f"*{mrkdwn(r.id)}* · {what} for {who}, {when}\n{mrkdwn(facts.progress(directory, r))}"
    for index, person in sorted(asked.items()):
        if 0 <= index < len(r.steps):
            line += "\n" + mrkdwn(notices.asked_line(directory, r, index, person))
    return line


def cancelled_card() -> Block:
    text = "Cancelled: nothing was submitted."
    return message([section("*Cancelled.* Nothing was submitted.")], text)
