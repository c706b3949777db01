"""Changes to a card's items: add ("also Datadog standard"), remove ("without
Snowflake", "all except X and Y") and keep only ("just GitHub", "only 1 and 3")."""

from __future__ import annotations

from domain.ids import key
from domain.model.org import Application
from tools.base import ToolContext
from tools.change_models import Change
from tools.find import match_app
from tools.matching import name_index, normalize
from tools.proposal import build_proposal
from tools.proposal_card import Cant, Step, finish, labels, on_card
from tools.proposal_models import Proposal, ProposalInput, ProposedItem


def remove(ctx: ToolContext, p: Proposal, change: Change) -> Step:
    gone, missed = _named(ctx, p, change)
    if not gone:
        raise Cant(" ".join(missed) or "Which items should come off the card?")
    left = [i for i in p.items if i not in gone]
    if not left:
        raise Cant("That would leave nothing on the card.")
    card = finish(ctx, p, _with_items(p, left))
    return Step(card, f"Removed {labels(gone)}.", missed)


def keep_only(ctx: ToolContext, p: Proposal, change: Change) -> Step:
    kept, missed = _named(ctx, p, change)
    if not kept:
        raise Cant(" ".join(missed) or "Which items should stay on the card?")
    left = [i for i in p.items if i in kept]
    gone = len(p.items) - len(left)
    card = finish(ctx, p, _with_items(p, left))
    tail = f"; removed {gone} other{'s' if gone != 1 else ''}" if gone else ""
    return Step(card, f"Kept only {labels(left)}{tail}.", missed)


def add(ctx: ToolContext, p: Proposal, change: Change) -> Step:
    """Resolve each name like a new custom ask for the card's beneficiary (policy,
    held, pending, accounts), then put the new items on the card; a name that can't be
    added is said, and the others are still added. A level named without its app
    ("I meant read-only") that exactly one app on the card has replaces that app's
    item with that level."""
    if p.kind not in ("grant", "revoke"):
        raise Cant("Items can't be added to this card; ask for them as a new request.")
    texts = [t for t in change.items if t.strip()]
    if not texts:
        raise Cant("Which access should I add?")
    card = _with_items(p, p.items)
    missed: list[str] = []
    new: list[ProposedItem] = []
    swapped: set[str] = set()  # the apps whose item a bare level replaces
    for typed in texts:
        app = _level_of_one_app(ctx, p, typed)
        try:
            built = _resolve(ctx, card, f"{app.name} {typed}" if app is not None else typed)
        except Cant as cant:
            missed.append(str(cant))
            continue
        if app is not None:
            swapped.add(key(app.id))
            stays = {key(i.entitlement_id) for i in built.items}
            card.items = [
                i
                for i in card.items
                if key(i.app_id) != key(app.id) or key(i.entitlement_id) in stays
            ]
        there = {key(i.entitlement_id) for i in [*card.items, *new]}
        fresh = [i for i in built.items if key(i.entitlement_id) not in there]
        if not fresh:
            missed.append(f"{labels(built.items)} {_is(built.items)} already on the card.")
        new.extend(fresh)
        card.left_out.extend(x for x in built.left_out if x not in card.left_out)
    if not new:
        raise Cant(" ".join(missed))
    card.items.extend(new)
    card = finish(ctx, p, card)
    return Step(card, _added(p, card, new, swapped), missed)


def _added(before: Proposal, after: Proposal, new: list[ProposedItem], swapped: set[str]) -> str:
    gone = [i for i in before.items if key(i.app_id) in swapped and i not in after.items]
    if gone:
        return f"Replaced {labels(gone)} with {labels(new)}.{_new_end(before, after)}"
    return f"Added {labels(new)}.{_new_end(before, after)}"


def _level_of_one_app(ctx: ToolContext, p: Proposal, text: str) -> Application | None:
    """The one app on the card that has the level `text` names when it names no app
    ("read-only", "write"); None when it names an app, or no or several card apps."""
    if match_app(ctx.directory, text).id is not None:
        return None
    form = normalize(text)
    levels = name_index(ctx.directory).levels
    apps = {key(i.app_id): i.app_id for i in p.items}
    having = [a for k, a in apps.items() if form in levels[k].exact] if form else []
    if len(having) != 1:
        return None
    return ctx.directory.apps[key(having[0])]


def _resolve(ctx: ToolContext, card: Proposal, text: str) -> Proposal:
    assert card.beneficiary is not None
    built = build_proposal(
        ctx,
        ProposalInput(
            kind="revoke" if card.kind == "revoke" else "grant",
            beneficiary=card.beneficiary.id,
            access_like="custom",
            entitlements=[text],
            identities={i.app_id: i.identity_id for i in card.items},
            duration="permanent",
        ),
    )
    if built.refusal is not None:
        raise Cant(built.refusal.message)
    for problem in built.problems:
        if problem.slot != "duration":
            options = ", ".join(c.label for c in problem.choices[:6])
            raise Cant(f"{problem.message} ({options})" if options else problem.message)
    return built


def _is(items: list[ProposedItem]) -> str:
    return "is" if len(items) == 1 else "are"


def _new_end(before: Proposal, after: Proposal) -> str:
    """ " Now ends …" when an added item moved the card's own end."""
    if before.duration is None or after.duration is None:
        return ""
    if before.duration.end == after.duration.end:
        return ""
    return f" Now ends {after.duration.ends}." if after.duration.ends else " Now permanent."


def _named(ctx: ToolContext, p: Proposal, change: Change) -> tuple[list[ProposedItem], list[str]]:
    """The card's items the change names, in card order, and what it named that isn't
    on the card."""
    found: list[ProposedItem] = []
    missed: list[str] = []
    for text in change.items:
        if not text.strip():
            continue
        try:
            found.extend(i for i in on_card(ctx, p, text) if i not in found)
        except Cant as cant:
            missed.append(str(cant))
    return [i for i in p.items if i in found], missed


def _with_items(p: Proposal, items: list[ProposedItem]) -> Proposal:
    card = p.model_copy(deep=True)
    card.items = [i.model_copy(deep=True) for i in items]
    return card
