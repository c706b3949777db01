"""The asks beyond a new request: a change to the open card, a narrowed access-like ask,
and what pasted text adds (docs/specs/conversation.md §1, §2, §5)."""

from __future__ import annotations

import re
from typing import Any

from agent.ask import Ask
from agent.models.offline import patterns as P
from agent.models.offline.changes import read_changes
from agent.models.offline.items import Item, items_with_ops
from agent.models.offline.justification import Justification, find_justification
from agent.pasted import INSTRUCTION, Pasted
from domain.model.directory import Directory
from tools.change_models import Change, ChangeOp
from tools.reasons import match_reason

_MAX_JUSTIFICATION = 300
_SENTENCE = re.compile(r"[^.!?\n]{1,300}")
_WORDS = re.compile(r"[^\W\d_]{2,}")  # "1) github 2)" is a list, not a reason
# "account: omar-h-admin", "Requested for: priya": a form's fields, not why
_FIELD = re.compile(
    r"(?:account|username|user|duration|end|until|approvers?|approval|entitlements?|items?|"
    r"access|requested\s+for|beneficiary|requester|manager|owner)\s*[:=]",
    re.I,
)


def edit_ask(
    directory: Directory,
    text: str,
    justification: Justification | None,
    duration: str | None,
    reasons: tuple[str, ...],
) -> Ask:
    """A change to the open card: explicit operations, plus the plain fields they set."""
    changes = read_changes(directory, text, justification, duration)
    mirror: dict[str, Any] = {}
    for change in changes:
        if change.op == ChangeOp.SET_END:
            mirror["duration"] = change.duration
        elif change.op == ChangeOp.SET_ACCOUNT and change.account:
            mirror["identity_hints"] = [change.account]
        elif change.op == ChangeOp.NEW_BENEFICIARY:
            mirror["beneficiary"] = change.beneficiary
        elif change.op == ChangeOp.SET_JUSTIFICATION and change.justification:
            mirror["justification"] = change.justification
            mirror["reason"] = match_reason(list(reasons), change.justification)
    return Ask(action="edit", changes=changes, **mirror)


def narrowed(directory: Directory, text: str, fields: dict[str, Any]) -> dict[str, Any]:
    """ "like Priya, without Snowflake": the items taken out (or added) become changes to
    the card the ask builds; "same as Priya but only GitHub" narrows it as before."""
    items = items_with_ops(directory, text)
    moved = [
        i for i in items if i.op == ChangeOp.REMOVE or (i.op == ChangeOp.ADD and i.cued)
    ]  # "X as well" may be about anything; "plus X" adds X
    if not moved:
        return fields
    kept = [i.text for i in items if i not in moved]
    if fields.get("access_like") in (None, "custom"):
        removed = {i.text for i in moved if i.op == ChangeOp.REMOVE}
        named = [i.text for i in items if i.text not in removed]
        return {**fields, "entitlements": named} if removed and named else fields
    return {**fields, "entitlements": kept, "changes": _grouped(moved)}


def _grouped(items: list[Item]) -> list[Change]:
    changes: list[Change] = []
    for item in items:
        op = item.op or ChangeOp.ADD
        if changes and changes[-1].op == op:
            changes[-1].items.append(item.text)
        else:
            changes.append(Change(op=op, items=[item.text]))
    return changes


def with_pasted(
    directory: Directory, ask: Ask, split: Pasted, now: str, reasons: tuple[str, ...]
) -> Ask:
    """Pasted text gives at most a justification, and a note that its instructions were
    ignored; nothing else in it reaches the ask."""
    if not split.pasted:
        return ask
    instructions = split.instructions or any(_asks_to_change_approval(p) for p in split.pasted)
    update: dict[str, Any] = {"ignored_instructions": instructions}
    if ask.action == "chitchat":
        update["action"] = "request"  # only a pasted ticket: ask what access it needs
    found = (
        None if ask.justification or ask.refusal else pasted_justification(directory, split, now)
    )
    if found is not None:
        update["justification"] = found
        update["reason"] = ask.reason or match_reason(list(reasons), found)
        if ask.action == "edit":
            change = Change(op=ChangeOp.SET_JUSTIFICATION, justification=found)
            update["changes"] = [*ask.changes, change]
    return ask.model_copy(update=update)


def pasted_justification(directory: Directory, split: Pasted, now: str) -> str | None:
    """A reason the pasted text gives ("because ..."), else its first plain sentence."""
    for part in split.pasted:
        found = find_justification(directory, part, now)
        if found is not None and not INSTRUCTION.search(found.text):
            return found.text[:_MAX_JUSTIFICATION]
    for part in split.pasted:
        for sentence in _SENTENCE.finditer(part):
            words = _before_instruction(sentence.group()).strip(" \t-*#:,;")
            if len(_WORDS.findall(words)) >= 2 and not _FIELD.match(words):
                return words[:_MAX_JUSTIFICATION]
    return None


def _before_instruction(sentence: str) -> str:
    """ "INC-5521 dashboards are broken, also add datadog admin": the part that says why,
    never the instruction after it."""
    if _asks_to_change_approval(sentence):
        return ""
    found = INSTRUCTION.search(sentence)
    return sentence if found is None else sentence[: found.start()]


def _asks_to_change_approval(text: str) -> bool:
    """What the requester's own words would be refused for: in pasted text, an instruction
    to ignore (docs/specs/conversation.md §5)."""
    patterns = (P.INJECTION, P.SKIP_APPROVAL, P.CHANGE_APPROVER, P.SELF_APPROVAL)
    return any(p.search(text) for p in patterns)
