"""The confirmation card's items as tick boxes (ticked, but for those the requester
unticked on the card before), and which ones came back ticked.

Items go in groups of 10 (Slack's most per checkboxes element), one actions block each,
block_id `card_items|<group>`. An item's end is shown beside it only when it differs
from the card's Duration (a cap that applies to that item alone), with the cap named
in a note under the boxes (docs/specs/conversation.md §6).

What a Submit click says is ticked is a wish: `ticked` only ever narrows the card's
own items (a value the card does not hold is ignored), and the submission re-resolves
and re-checks what is kept.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from domain.ids import key
from slack_app.blocks import facts
from slack_app.blocks.escape import clip, mrkdwn
from slack_app.blocks.ids import Action, index, pack, unpack
from slack_app.blocks.kit import MAX_LABEL, MAX_OPTION_VALUE, Block, actions, context, md, plain
from tools.proposal_models import Proposal, ProposedItem

UTC_ZONE = ZoneInfo("UTC")
PER_GROUP = 10  # options in one checkboxes element
MAX_GROUPS = 4  # items past 40 are listed as text and always kept


def item_boxes(proposal: Proposal, tz: ZoneInfo = UTC_ZONE) -> list[Block]:
    """The tick boxes (all ticked; `untick` clears some), the items past the boxes as
    lines, the cap notes."""
    items = proposal.items
    blocks = [
        _group(n, items[start : start + PER_GROUP], proposal, tz)
        for n, start in enumerate(range(0, min(len(items), PER_GROUP * MAX_GROUPS), PER_GROUP))
    ]
    rest = items[PER_GROUP * MAX_GROUPS :]
    if rest:
        lines = [f"• *{mrkdwn(i.label)}* on {_where(i)}" for i in rest]
        blocks.append(context(clip("\n".join(lines), 3000)))
    notes = cap_notes(proposal, tz)
    if notes:
        blocks.append(context(*(mrkdwn(n) for n in notes)))
    return blocks


def _group(n: int, items: list[ProposedItem], p: Proposal, tz: ZoneInfo) -> Block:
    options = [_option(i, p, tz) for i in items]
    boxes = {
        "type": "checkboxes",
        "action_id": Action.CARD_ITEMS,
        "options": options,
        "initial_options": options,
    }
    return actions(boxes, block_id=pack(Action.CARD_ITEMS, str(n)))


def _option(item: ProposedItem, p: Proposal, tz: ZoneInfo) -> Block:
    flag = "  ⚠ privileged" if item.privileged else ""
    label = clip(item.label, MAX_LABEL - 6 - len(flag))
    text = md(f"*{mrkdwn(label)}*{flag}", MAX_LABEL)
    about = f"on {_account(item)}"
    own = own_end(item, p, tz)
    if own:
        about += f" · {own}" + (" (capped)" if item.capped_by else "")
    return {
        "text": text,
        "value": item.entitlement_id[:MAX_OPTION_VALUE],
        "description": plain(about),
    }


def _account(item: ProposedItem) -> str:
    return "a new account" if item.identity_id == "new" else item.identity_label


def _where(item: ProposedItem) -> str:
    return "a new account" if item.identity_id == "new" else f"`{mrkdwn(item.identity_label)}`"


def item_end(item: ProposedItem) -> datetime | None:
    """The item's own end (None: permanent)."""
    return _when(item.end)


def card_end(p: Proposal) -> datetime | None:
    """The end the card's Duration line shows (None: permanent)."""
    return _when(p.duration.end if p.duration else None)


def own_end(item: ProposedItem, p: Proposal, tz: ZoneInfo) -> str | None:
    """ "until end of Wed 18 Mar 2026" when the item ends other than the card says."""
    if p.kind == "revoke" or item_end(item) == card_end(p):
        return None
    return facts.until(item_end(item), tz)


def cap_notes(p: Proposal, tz: ZoneInfo) -> list[str]:
    """A note per item a cap of its own shortened ("AWS Production · Read-only only
    until end of …: AWS Production allows at most 14 days."), unless the card's
    warnings name that cap already."""
    notes = []
    for item in p.items[: PER_GROUP * MAX_GROUPS]:
        cap, own = item.capped_by, own_end(item, p, tz)
        if cap and own and not any(cap in w for w in p.warnings):
            notes.append(f"{item.label} only {own}: {cap}.")
    return notes


def _when(iso: str | None) -> datetime | None:
    return datetime.fromisoformat(iso.replace("Z", "+00:00")) if iso else None


def ticked(values: Mapping[str, Any], proposal: Proposal) -> list[str] | None:
    """The entitlement ids of the card's items ticked in a Submit's `state.values`.

    None when the payload has no tick boxes at all (a card drawn before they existed:
    everything it showed). A group missing from the state counts as shown, all
    ticked; ids the card does not hold are dropped, so a payload can only narrow."""
    groups = _groups(values)
    if not groups:
        return None
    kept = []
    for n, item in enumerate(proposal.items):
        group = n // PER_GROUP
        chosen = groups.get(group) if group < MAX_GROUPS else None
        if chosen is None or key(item.entitlement_id) in chosen:
            kept.append(item.entitlement_id)
    return kept


def _groups(values: Mapping[str, Any]) -> dict[int, set[str]]:
    """Group -> the values ticked in it, from `state.values` (bounded, shape-checked)."""
    groups: dict[int, set[str]] = {}
    for block_id, inputs in list(values.items())[:50]:
        parts = unpack(str(block_id))
        if len(parts) != 2 or parts[0] != Action.CARD_ITEMS or not isinstance(inputs, dict):
            continue
        n = index(parts[1])
        state = inputs.get(Action.CARD_ITEMS)
        if n is None or not isinstance(state, dict):
            continue
        chosen = state.get("selected_options") or []
        groups[n] = {
            key(str(o.get("value") or "")) for o in chosen[: PER_GROUP * 2] if isinstance(o, dict)
        }
    return groups


def untick(blocks: list[Block], unticked: Collection[str]) -> tuple[str, ...]:
    """The card's tick boxes with `unticked` items drawn unticked (in place); the ids
    among them the card holds (an item no longer on the card is dropped)."""
    off = {key(u) for u in unticked}
    kept: list[str] = []
    for block in blocks:
        for element in block.get("elements") or []:
            if element.get("type") != "checkboxes" or element.get("action_id") != Action.CARD_ITEMS:
                continue
            gone = [o for o in element["options"] if key(str(o["value"])) in off]
            kept.extend(str(o["value"]) for o in gone)
            element["initial_options"] = [o for o in element["options"] if o not in gone]
            if not element["initial_options"]:
                del element["initial_options"]
    return tuple(kept)


def unticked_of(values: Mapping[str, Any], proposal: Proposal) -> tuple[str, ...]:
    """The card's items a toggle's `state.values` leave unticked."""
    on = ticked(values, proposal)
    if on is None:
        return ()
    return tuple(i.entitlement_id for i in proposal.items if i.entitlement_id not in on)
