"""Requests, inboxes, receipts, the card and the requester's notices as terminal text."""

from __future__ import annotations

import html
from collections.abc import Collection
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from domain.ids import key
from domain.model.directory import Directory
from domain.model.requests import AccessRequest, ItemStatus, State
from slack_app.blocks import card_items
from slack_app.blocks.kit import Block
from tools.proposal_models import Proposal


def name(directory: Directory, person_id: str) -> str:
    person = directory.person(person_id)
    return person.name if person else person_id


def until(directory: Directory, end: datetime) -> str:
    """ "end of Fri 27 Nov 2026" for an end at local midnight, else the time too."""
    local = end.astimezone(directory.timezone)
    if local.time() == time():
        return f"end of {local - timedelta(days=1):%a %d %b %Y}"
    return f"{local:%a %d %b %Y %H:%M}"


def progress(directory: Directory, r: AccessRequest) -> str:
    step = r.current_step
    if r.state is State.SUBMITTED and step is not None:
        who = " or ".join(name(directory, a) for a in step.approvers)
        return f"step {step.index + 1} of {len(r.steps)}, waiting for {who}"
    if r.state is State.FULFILLING:
        return "approved; waiting for the app owners to grant it"
    if r.state is State.FULFILLED and r.end is not None:
        return f"granted until {until(directory, r.end)}"
    return r.state.value


def items(directory: Directory, r: AccessRequest) -> str:
    out = []
    for item in r.items:
        ent = directory.entitlement(item.entitlement_id)
        app = directory.app(item.app_id)
        label = f"{app.name if app else item.app_id} · {ent.name if ent else item.entitlement_id}"
        account = "a new account" if item.new_account else item.identity_id.split(":", 1)[-1]
        dropped = " (dropped)" if item.status is ItemStatus.DROPPED else ""
        out.append(f"{label} on {account}{dropped}")
    return "; ".join(out)


def summary(directory: Directory, r: AccessRequest) -> str:
    verb = "remove" if r.kind.value == "revoke" else "grant"
    if r.end is not None:
        when = f" until {until(directory, r.end)}"
    else:
        when = " permanently" if verb == "grant" else ""
    who = name(directory, r.beneficiary)
    words = f" (“{r.comment}”)" if r.comment and r.comment != r.reason else ""
    return (
        f"{r.id}: {verb} {items(directory, r)} for {who}{when} — reason: {r.reason}{words}"
        f" — {progress(directory, r)}"
    )


def card(p: Proposal, unticked: Collection[str], tz: ZoneInfo) -> str:
    """The confirmation card as terminal text: each item numbered with its tick box
    (`/drop N`, `/keep N…`), its own end where it differs from the card's, and the cap
    that shortened it."""
    who = p.beneficiary.name if p.beneficiary else "you"
    verb = {"revoke": "Remove", "extend": "Extend access"}.get(p.kind, "Request")
    lines = [f"{verb} for {who}:"]
    like = p.access_like
    if like is not None and like.kind != "custom":
        lines.append(f"  Access like: {like.kind.replace('_', ' ')} {like.label}")
    off = {key(u) for u in unticked}
    for n, item in enumerate(p.items, start=1):
        box = "[ ]" if key(item.entitlement_id) in off else "[x]"
        flag = "  ⚠ privileged" if item.privileged else ""
        lines.append(f"  {box} {n}. {item.label} on {item.identity_label}{flag}")
        own = card_items.own_end(item, p, tz)
        if own:
            cap = item.capped_by
            lines.append(f"         {own}" + (f" ({cap})" if cap else ""))
    lines += _card_tail(p)
    return "\n".join(lines)


def _card_tail(p: Proposal) -> list[str]:
    lines = []
    d = p.duration
    if d and p.kind != "revoke":
        if d.status == "permanent":
            lines.append("  Duration: permanent")
        else:
            ends = d.ends or f"at the end of {d.end_date}"
            label = "New end" if p.kind == "extend" else "Ends"
            lines.append(f"  {label}: {ends}{' (capped)' if d.capped else ''}")
    lines.append(f"  Reason: {p.reason or '(pick one before submitting)'}")
    if p.reason_text:
        lines.append(f"  In your words: “{p.reason_text}”")
    for route in p.routes:
        lines.append(
            "  Approval: " + " → ".join(" or ".join(s.approver_names) for s in route.steps)
        )
    lines.extend(f"  Note: {w}" for w in p.warnings)
    return lines


def notice(payload: Block) -> list[str]:
    """A Slack notice's words as terminal lines: its sections and context lines, without
    mrkdwn's markers and escapes (the chat shows what the Slack DM says)."""
    texts: list[str] = []
    for block in payload.get("blocks", []):
        parts = [block.get("text") or {}, *block.get("elements", []), *block.get("fields", [])]
        texts += [str(p["text"]) for p in parts if isinstance(p, dict) and "text" in p]
    return [_plain(line) for text in texts for line in text.splitlines() if line.strip()]


def _plain(text: str) -> str:
    for mark in ("*", "`", "~"):
        text = text.replace(mark, "")
    return html.unescape(text)
