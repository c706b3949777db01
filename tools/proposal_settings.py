"""Changes to what a card says about its items: the end ("make it 3 days", "until the
20th", "permanent instead"), the account ("use the admin account", "on mokafor") and
the justification ("reason: incident 4411")."""

from __future__ import annotations

from domain.ids import key
from tools.base import ToolContext
from tools.change_models import Change
from tools.duration import DurationInput, asked, duration
from tools.find import match_app
from tools.identities import pick_account
from tools.proposal_card import Cant, Step, finish
from tools.proposal_models import Proposal
from tools.reasons import match_reason

_LONGEST_JUSTIFICATION = 2000


def set_end(ctx: ToolContext, p: Proposal, change: Change) -> Step:
    if p.kind != "grant":
        raise Cant("Only a request for access has an end to change.")
    text = (change.duration or "").strip()
    ids = [i.entitlement_id for i in p.items]
    out = duration(ctx, DurationInput(text=text, entitlement_ids=ids))
    if out.status == "error":
        raise Cant(out.message)
    if out.status == "needs_end":
        raise Cant('Until when? Say a date or how long, e.g. "for 2 weeks".')
    ask = asked(out)
    if ask is None:
        raise Cant(f'I couldn\'t read an end from "{text}".')
    card = p.model_copy(deep=True)
    card.problems = [x for x in card.problems if x.slot != "duration"]
    card = finish(ctx, p, card, ask=ask)
    return Step(card, _end_said(card))


def _end_said(card: Proposal) -> str:
    d = card.duration
    assert d is not None
    said = d.message if d.capped else (f"Now ends {d.ends}." if d.ends else "Now permanent.")
    for item in card.items:
        if item.capped_by:
            said += f" {item.label} ends sooner: {item.capped_by}."
    return said


def set_account(ctx: ToolContext, p: Proposal, change: Change) -> Step:
    if p.kind != "grant":
        raise Cant("The account can only be chosen for a request for access.")
    assert p.beneficiary is not None
    words = (change.account or "").strip()
    if not words:
        raise Cant("Which account should it use?")
    d = ctx.directory
    apps = list(dict.fromkeys(i.app_id for i in p.items))
    if change.app:
        app = match_app(d, change.app)
        apps = [a for a in apps if app.id and key(a) == key(app.id)]
        if not apps:
            raise Cant(f'"{change.app}" isn\'t on the card.')
    choosable = {
        a: [i.id for i in d.identities_in(p.beneficiary.id, a) if i.kind.value == "user"]
        for a in apps
    }
    choosable = {a: ids for a, ids in choosable.items() if len(ids) > 1}
    if not choosable:
        raise Cant("There is only one account to use for each item on the card.")
    picks = {a: pick for a, ids in choosable.items() if (pick := pick_account(d, ids, [words]))}
    if not picks:
        options = "; ".join(
            f"{_app_name(ctx, a)}: {', '.join(i.split(':', 1)[1] for i in ids)}"
            for a, ids in choosable.items()
        )
        raise Cant(f'I couldn\'t tell which account "{words}" means ({options}).')
    card = p.model_copy(deep=True)
    for item in card.items:
        if item.app_id in picks:
            item.identity_id = picks[item.app_id]
            item.identity_label = picks[item.app_id].split(":", 1)[1]
    card = finish(ctx, p, card)
    said = " ".join(
        f"{_app_name(ctx, a)} now on {pick.split(':', 1)[1]}." for a, pick in picks.items()
    )
    return Step(card, said)


def set_justification(ctx: ToolContext, p: Proposal, change: Change) -> Step:
    text = (change.justification or "").strip()[:_LONGEST_JUSTIFICATION]
    if not text:
        raise Cant("What is the justification?")
    card = p.model_copy(deep=True)
    card.reason_text = text
    reason = match_reason(ctx.directory.reasons, text)
    said = f"Justification: “{text}”."
    if reason and reason != card.reason:
        card.reason = reason
        said += f" Reason: {reason}."
    return Step(finish(ctx, p, card), said)


def _app_name(ctx: ToolContext, app_id: str) -> str:
    app = ctx.directory.app(app_id)
    return app.name if app else app_id
