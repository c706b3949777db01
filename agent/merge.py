"""Folding a turn's Ask into the conversation's ask: new requests replace, answers fill."""

from __future__ import annotations

from agent.ask import Ask
from agent.state import AskState, Intent
from tools.change_models import Change, ChangeOp

_RESETS_CHOICES = ("beneficiary", "access_like", "reference", "kind")
_PER_MESSAGE = {"action", "refusal", "selection", "query"}
STARTS = {"request": Intent.REQUEST, "withdraw": Intent.WITHDRAW, "extend": Intent.EXTEND}


def merge(current: AskState, ask: Ask) -> tuple[AskState, bool]:
    """The merged ask, and whether earlier picks (which grants, which account) still hold.

    A new request, withdrawal or extension starts over; anything else fills in what it
    says. Changes made while a question is open wait in `changes` and are applied to the
    card once it is built; a new beneficiary among them is the ask's beneficiary."""
    ask = _beneficiary_from_changes(ask)
    said = {
        name: value
        for name, value in ask.model_dump(exclude=_PER_MESSAGE).items()
        if value not in (None, [], False)
    }
    if ask.action in STARTS or current == AskState():
        intent = STARTS.get(ask.action, Intent.REQUEST)
        return AskState.model_validate({**said, "intent": intent}), False
    merged = current.model_dump()
    keep_picks = True
    for name, value in said.items():
        if name in _RESETS_CHOICES and merged.get(name) != value:
            keep_picks = False
        if name == "entitlements" and merged.get("access_like") not in (None, "custom"):
            keep_picks = False
        merged[name] = [*merged["changes"], *value] if name == "changes" else value
    return AskState.model_validate(merged), keep_picks


def _beneficiary_from_changes(ask: Ask) -> Ask:
    """ "for Wei instead" is the ask's beneficiary; the other changes stay changes."""
    people = [c.beneficiary for c in ask.changes if c.op is ChangeOp.NEW_BENEFICIARY]
    if not people or people[-1] is None:
        return ask
    rest: list[Change] = [c for c in ask.changes if c.op is not ChangeOp.NEW_BENEFICIARY]
    return ask.model_copy(update={"beneficiary": people[-1], "changes": rest})
