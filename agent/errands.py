"""What is asked besides a card: a read-only question, or withdrawing a request.

Both answer from tools (the store and the directory), never from the model. A question
changes nothing: an open card or question stays open, so Submit still works after it.
Withdrawing is done by the surface (`services.withdraw`, which checks who may): the
graph only finds which request is meant, asking when that is not clear.
"""

from __future__ import annotations

from agent.phrasing import question_text
from agent.state import AskState, Outcome, Picks, Question, Update
from tools.base import ToolContext
from tools.queries import answer_query
from tools.query_models import Query
from tools.withdrawal import find_withdrawable

NOTHING_TO_WITHDRAW = "You have no pending request to withdraw."


def answered(
    ctx: ToolContext, query: Query, *, subject: str | None, entitlements: list[str]
) -> Update:
    answer = answer_query(ctx, query, subject=subject, entitlements=entitlements)
    return {"outcome": Outcome.ANSWERED, "reply": answer.text}


def withdrawal(ctx: ToolContext, ask: AskState, picks: Picks) -> Update:
    """The requests to withdraw (picked from a list the bot showed, or found from what
    the message named), or the question which one."""
    ids = picks.requests
    if not ids:
        found = find_withdrawable(ctx, ask.entitlements)
        if found.problem is not None and not found.problem.choices:  # none to withdraw
            return {"outcome": Outcome.MESSAGE, "reply": found.problem.message, "question": None}
        if found.problem is not None:
            problems = [found.problem]
            return {
                "outcome": Outcome.CLARIFY,
                "question": Question(problems=problems),
                "proposal": None,
                "reply": question_text(problems),
            }
        ids = found.request_ids
    if not ids:
        return {"outcome": Outcome.MESSAGE, "reply": NOTHING_TO_WITHDRAW, "question": None}
    return {
        "outcome": Outcome.WITHDRAW,
        "withdraw": ids,
        "question": None,
        "reply": "Withdrawing it now." if len(ids) == 1 else f"Withdrawing {len(ids)} requests.",
    }
