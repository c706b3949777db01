"""What a surface shows above a card drawn again after a change in words.

"Removed Snowflake · Analyst.", and what could not be read as a change ("Snowflake
isn't on the card."): the words the agent's reply puts before the card's own text,
else its `Reply.changed`.
"""

from __future__ import annotations

from agent.phrasing import proposal_text
from agent.runner import Reply


def changed_line(reply: Reply) -> str | None:
    said = reply.changed
    if reply.proposal is not None:
        card = proposal_text(reply.proposal.model_dump())
        lead = reply.text.removesuffix(card).strip() if reply.text.endswith(card) else ""
        said = lead or said
    return said.strip() if isinstance(said, str) and said.strip() else None
