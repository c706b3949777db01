"""The one line a surface shows above a card drawn again after a change in words.

"Removed Snowflake · Analyst.", or what could not be read as a change: the agent's
`Reply.changed`, else whatever its reply says before the card's own text.
"""

from __future__ import annotations

from agent.phrasing import proposal_text
from agent.runner import Reply


def changed_line(reply: Reply) -> str | None:
    said = getattr(reply, "changed", None)  # TODO(merge conv-graph): reply.changed
    if isinstance(said, str) and said.strip():
        return said.strip()
    if reply.proposal is None:
        return None
    card = proposal_text(reply.proposal.model_dump())
    lead = reply.text.removesuffix(card).strip() if reply.text.endswith(card) else ""
    return lead or None
