"""Which conversations the checkpoint store keeps, and how much of each.

A conversation that no longer waits for its requester (its card was submitted or
cancelled, it ended in a refusal or an answer, or a turn failed half-way) is never
read again: `AgentRunner.send` starts the next message afresh. Neither is one that has
waited longer than the retention (`CHECKPOINT_RETENTION_DAYS`): its requester gets a
fresh start too. Both are deleted. A conversation still waiting keeps only its latest
checkpoint, the one its next turn resumes from; older ones are history nobody reads.

Deleting must not race a turn of the same conversation (a run would lose the rows it
just wrote), so each deletion happens under `hold(thread)`: the caller's exclusion,
e.g. the conversation's lease in a Slack process. A conversation held by a turn is left
for the next prune. Trimming needs no hold (see `agent.checkpoint_store`).

"Waiting" and "idle since" come from the conversation's latest checkpoint (LangGraph
stamps it with wall time), read once per new checkpoint: what was read is remembered
by checkpoint id, so a prune reads only the conversations that moved since the last.
"""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from agent.checkpoint_store import CheckpointStore, Head, store_of
from domain.ports import Clock

log = logging.getLogger(__name__)

Hold = Callable[[str], AbstractContextManager[bool]]


@contextmanager
def unguarded(thread: str) -> Iterator[bool]:
    """For a single user of the store that runs no turn while it prunes."""
    yield True


@dataclass(frozen=True)
class Activity:
    checkpoint: str  # the latest checkpoint's id
    waiting: bool  # for the requester: a question or a card is open
    at: datetime  # when that checkpoint was written


@dataclass(frozen=True)
class PruneReport:
    deleted: int = 0  # conversations removed (finished, or idle past the retention)
    trimmed: int = 0  # older checkpoints removed from conversations still waiting
    busy: int = 0  # conversations left for next time: a turn held them
    failed: int = 0  # conversations that could not be read or pruned (logged)


class Retention:
    def __init__(self, graph: Any, *, keep_idle: timedelta, clock: Clock) -> None:
        self.graph, self.keep_idle, self.clock = graph, keep_idle, clock
        self.store: CheckpointStore = store_of(graph.checkpointer)
        self._seen: dict[str, Activity] = {}

    def prune(self, hold: Hold = unguarded) -> PruneReport:
        now = self.clock.now()
        counts: Counter[str] = Counter()
        heads = self.store.heads()
        for head in heads:
            try:
                self._prune_one(head, now, hold, counts)
            except Exception:  # one unreadable conversation must not stop the others
                log.exception("checkpoints: cannot prune conversation %s", head.thread)
                counts["failed"] += 1
        self._seen = {h.thread: self._seen[h.thread] for h in heads if h.thread in self._seen}
        try:  # every time: a reclaim that failed last time (a busy file) is done now
            self.store.reclaim()
        except Exception:
            log.exception("checkpoints: giving the freed space back failed; next time")
        return PruneReport(**counts)

    def _prune_one(self, head: Head, now: datetime, hold: Hold, counts: Counter[str]) -> None:
        if not self._done(self._activity(head), now):
            counts["trimmed"] += self.store.trim(head.thread) if head.checkpoints > 1 else 0
            return
        with hold(head.thread) as held:
            if not held:
                counts["busy"] += 1
            elif self._done(self._read(head.thread), now):  # again, now nobody runs it
                self.store.delete(head.thread)
                self._seen.pop(head.thread, None)
                counts["deleted"] += 1

    def _done(self, activity: Activity | None, now: datetime) -> bool:
        if activity is None:  # gone meanwhile
            return False
        return not activity.waiting or now - activity.at > self.keep_idle

    def _activity(self, head: Head) -> Activity | None:
        seen = self._seen.get(head.thread)
        if seen is not None and seen.checkpoint == head.latest:
            return seen
        return self._read(head.thread)

    def _read(self, thread: str) -> Activity | None:
        snapshot = self.graph.get_state({"configurable": {"thread_id": thread}})
        if not snapshot.created_at:
            self._seen.pop(thread, None)
            return None
        activity = Activity(
            checkpoint=str(snapshot.config["configurable"]["checkpoint_id"]),
            waiting=any(task.interrupts for task in snapshot.tasks),
            at=datetime.fromisoformat(snapshot.created_at),
        )
        self._seen[thread] = activity
        return activity
