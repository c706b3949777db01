"""From wanted entitlements to proposal items: pending checks and account choice."""

from __future__ import annotations

from collections.abc import Callable

from domain.ids import key
from domain.model.identities import choose_identity
from tools.base import Candidate, ToolContext
from tools.find import entitlement_label
from tools.identities import pick_account
from tools.proposal_models import LeftOut, Problem, Proposal, ProposalInput, ProposedItem


def place_items(
    ctx: ToolContext,
    inp: ProposalInput,
    p: Proposal,
    wanted: list[str],
    refuse: Callable[..., Exception],
) -> None:
    assert p.beneficiary is not None
    d = ctx.directory
    pending = {key(e) for e in ctx.pending.pending_for(p.beneficiary.id)}
    fresh = [e for e in wanted if key(e) not in pending]
    for ent_id in wanted:
        if key(ent_id) in pending:
            p.left_out.append(
                LeftOut(
                    entitlement_id=ent_id,
                    label=entitlement_label(d, ent_id),
                    why="already requested and waiting for approval",
                )
            )
    if not fresh:
        raise refuse(
            "already_pending",
            "That is already requested and waiting for approval: "
            + ", ".join(entitlement_label(d, e) for e in wanted)
            + ".",
        )
    if p.kind == "revoke":
        p.items = [_held_item(ctx, p.beneficiary.id, e) for e in fresh]
        return
    _grant_items(ctx, inp, p, fresh, refuse)


def _grant_items(
    ctx: ToolContext,
    inp: ProposalInput,
    p: Proposal,
    fresh: list[str],
    refuse: Callable[..., Exception],
) -> None:
    assert p.beneficiary is not None
    d = ctx.directory
    picked = {key(k): v for k, v in inp.identities.items()}
    asked_apps: set[str] = set()
    for ent_id in fresh:
        app = d.app_of[key(ent_id)]
        choice = choose_identity(d, p.beneficiary.id, ent_id, hints=tuple(inp.identity_hints))
        explicit = picked.get(key(ent_id)) or picked.get(key(app.id))
        identity_id = choice.identity_id
        if explicit and (explicit == "new" or key(explicit) in {key(o) for o in choice.options}):
            identity_id = explicit
        elif choice.status == "choose" and (
            described := pick_account(d, list(choice.options), inp.identity_hints)
        ):
            identity_id = described
        elif choice.status == "choose":
            if key(app.id) not in asked_apps:
                asked_apps.add(key(app.id))
                p.problems.append(
                    Problem(
                        slot="identity",
                        code="choose_identity",
                        message=f"You have {len(choice.options)} {app.name} accounts. "
                        "Which one should get the access?",
                        choices=[
                            Candidate(id=o, label=o.split(":", 1)[1], score=100, detail=app.name)
                            for o in choice.options
                        ],
                    )
                )
            continue
        elif choice.status == "unavailable":
            p.left_out.append(
                LeftOut(
                    entitlement_id=ent_id, label=entitlement_label(d, ent_id), why=choice.message
                )
            )
            continue
        assert identity_id is not None
        p.items.append(_item(ctx, ent_id, identity_id))
    if not p.items and not p.problems:
        raise refuse("no_account", "; ".join(x.why for x in p.left_out) or "no account")


def _item(ctx: ToolContext, ent_id: str, identity_id: str) -> ProposedItem:
    d = ctx.directory
    ent = d.entitlement(ent_id)
    app = d.app_of[key(ent_id)]
    assert ent is not None
    new = identity_id == "new"
    return ProposedItem(
        entitlement_id=ent.id,
        label=f"{app.name} · {ent.name}",
        app_id=app.id,
        app_name=app.name,
        privileged=ent.privileged,
        identity_id=identity_id,
        identity_label=f"a new {app.name} account" if new else identity_id.split(":", 1)[1],
    )


def _held_item(ctx: ToolContext, beneficiary: str, ent_id: str) -> ProposedItem:
    for ident in ctx.directory.identities_of.get(key(beneficiary), []):
        if any(key(g.entitlement) == key(ent_id) for g in ident.grants):
            return _item(ctx, ent_id, ident.id)
    raise AssertionError(f"{ent_id} is not held by {beneficiary}")
