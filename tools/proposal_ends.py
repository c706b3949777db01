"""Each item's own end (docs/specs/conversation.md §6).

The ask is read once; every item is capped by the caps that apply to it alone, so one
app's short cap shortens only its own items. The card's `duration` is the loosest
item's (the end the card states for everything else); an item ending earlier carries
its own `end` and the cap that cut it (`capped_by`), and the warnings name every cap.
"""

from __future__ import annotations

from domain.model.durations import DurationAsk
from tools.base import ToolContext
from tools.duration import DurationOutput, capped, spoken_end
from tools.proposal_models import Proposal, ProposedItem


def set_ends(
    ctx: ToolContext, p: Proposal, ask: DurationAsk, *, keep: frozenset[str] = frozenset()
) -> None:
    """Ends for the card's items from `ask`; items in `keep` (entitlement ids) keep the
    end they have, so a change that does not name the end never moves it."""
    if not p.items:
        return
    outs: dict[str, DurationOutput] = {}
    for item in p.items:
        out = capped(ctx, ask, [item.entitlement_id])
        outs[item.entitlement_id] = out
        if item.entitlement_id not in keep:
            item.end, item.end_date = out.end, out.end_date
    loosest = max(p.items, key=_lateness)
    before = p.duration
    if not (loosest.entitlement_id in keep and before and before.end == loosest.end):
        p.duration = outs[loosest.entitlement_id]  # else the card's end stays as it was
    card_end = p.duration.end if p.duration else None
    for item in p.items:
        own = outs[item.entitlement_id]
        differs = item.end != card_end
        item.capped_by = own.cap_source if differs and own.capped else None


def cap_warnings(ctx: ToolContext, p: Proposal) -> list[str]:
    """One line per cap that cut the card: the card's own end, then each item's."""
    out = []
    if p.duration and p.duration.capped and p.duration.message:
        out.append(p.duration.message)
    by_cap: dict[str, list[ProposedItem]] = {}
    for item in p.items:
        if item.capped_by:
            by_cap.setdefault(item.capped_by, []).append(item)
    for cap, items in by_cap.items():
        labels = ", ".join(i.label for i in items)
        out.append(f"{cap}, so {labels} {_ends(ctx, items[0].end)}.")
    return out


def _lateness(item: ProposedItem) -> tuple[int, str]:
    return (1, "") if item.end is None else (0, item.end)


def _ends(ctx: ToolContext, end: str | None) -> str:
    if end is None:
        return "stays permanent"
    return "ends " + spoken_end(end, ctx.directory.timezone)
