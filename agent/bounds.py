"""How much of one message the agent reads (rule 7: text is bounded before any parsing).

An access request is a sentence or two; 4,000 characters leave room for a pasted ticket
or error while keeping every turn's parsing, the model's prompt and the checkpointed
state small. Slack allows 40,000. Longer text is cut here, at the agent's door, and the
reply says so, so nobody wonders why the end of their message was ignored.
"""

from __future__ import annotations

MAX_MESSAGE_CHARS = 4_000


def bounded(text: str, limit: int = MAX_MESSAGE_CHARS) -> tuple[str, bool]:
    """`text` cut to `limit` characters, and whether it was cut."""
    return (text, False) if len(text) <= limit else (text[:limit], True)


def cut_notice(limit: int) -> str:
    return f"Your message was long: I read only the first {limit:,} characters."
