"""The turns settled before any request is read: a refusal, a withdrawal, cancel,
confirm, a read-only question or an extension (docs/specs/conversation.md §3, §4)."""

from __future__ import annotations

import re

from agent.ask import Ask
from agent.models.offline import patterns as P
from agent.models.offline import questions as Q
from agent.models.offline.spans import Reading
from agent.models.port import ModelContext


def refusal_of(text: str, reading: Reading) -> str | None:
    if P.INJECTION.search(text):
        return "prompt_injection"
    if P.SKIP_APPROVAL.search(text):
        return "skip_approval"
    if P.CHANGE_APPROVER.search(text):
        return "change_approver"
    if P.SELF_APPROVAL.search(text):
        return "self_approval"
    if P.OUT_OF_SCOPE.search(text) and not reading.spans:
        return "out_of_scope"
    return None


def settled(
    own: str,
    text: str,
    reading: Reading,
    ctx: ModelContext,
    phrase: str | None,
    items: list[str],
) -> Ask | None:
    """Refusals, questions, withdraw, cancel, confirm and extend: each settles the turn.
    Refusals read all the requester's own words, the justification's too."""
    query = Q.query_of(text, reading)
    checked = Q.WHO_APPROVES.sub(" ", own) if query == "who_approves" else own
    refusal = refusal_of(checked, reading)
    if refusal == "out_of_scope" and ctx.stage == "proposal":
        refusal = None  # with a card open it is no change: the card stays, and says so
    if refusal is not None:
        return Ask(action="request", refusal=refusal)
    closed = _closed(text, ctx, items)
    if closed is not None:
        return closed
    if query is not None:
        subject = Q.person_asked(text, reading) if query == "person_access" else None
        ents = items if query == "who_approves" else []
        return Ask(action="query", query=query, beneficiary=subject, entitlements=ents)
    if Q.extends(own) and (items or ctx.stage != "proposal"):
        people = reading.of("person")  # "extend Lena's github maintain"
        whose = people[0].text if people else None
        duration = by_phrase(text, phrase)
        return Ask(action="extend", entitlements=items, duration=duration, beneficiary=whose)
    return None


def _closed(text: str, ctx: ModelContext, items: list[str]) -> Ask | None:
    """Withdraw a submitted request, cancel the open card or question, or confirm it."""
    if Q.withdraws(text, ctx.stage, bool(items)):
        return Ask(action="withdraw", entitlements=items)
    if P.CANCEL.search(text) and not (ctx.stage == "proposal" and items):
        return Ask(action="cancel")
    if ctx.stage == "proposal" and P.CONFIRM.search(text):
        return Ask(action="confirm")
    return None


def by_phrase(text: str, phrase: str | None) -> str | None:
    """ "by a week" stays "by a week": an extension counts it from the current end (a
    grant reads "by a week" as "a week")."""
    if phrase and re.search(rf"\bby\s+{re.escape(phrase)}", text, re.I):
        return f"by {phrase}"
    return phrase
