"""Reading one message with the offline model, on the demo org, as a conversation would."""

from __future__ import annotations

from functools import cache

from agent.ask import Ask
from agent.models.offline.reading import understand
from agent.models.port import ModelContext
from domain.model.directory import Directory
from domain.orgdata.demo import load_demo_org

NOW = "2026-12-01T10:00:00+00:00"  # a Tuesday


@cache
def demo() -> Directory:
    return Directory(load_demo_org())


def context(stage: str = "new", slots: tuple[str, ...] = ()) -> ModelContext:
    return ModelContext(
        requester_name="Alex Meyer",
        today="Tuesday 2026-12-01",
        reasons=tuple(demo().reasons),
        stage=stage,
        pending_slots=slots,
        pending_question="Which do you need?" if slots else None,
        now=NOW,
    )


def read(text: str, stage: str = "new", slots: tuple[str, ...] = ()) -> Ask:
    return understand(demo(), text, context(stage, slots))


def on_card(text: str) -> Ask:
    """`text` typed while a confirmation card is open."""
    return read(text, "proposal")


def changes(ask: Ask) -> list[tuple[str, ...]]:
    """Each change as (op, its values...), for short assertions."""
    out = []
    for c in ask.changes:
        values = [*c.items, c.duration, c.account, c.app, c.justification, c.beneficiary]
        out.append((c.op.value, *(v.casefold() for v in values if v)))
    return out
