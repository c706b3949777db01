"""Upkeep of the checkpoint store, per backend: list conversations, drop one, keep only
the latest checkpoint of one, give space back, say how big the store is.

LangGraph keeps every superstep of a thread as a checkpoint (several per turn) plus the
writes of each; only the latest checkpoint and its pending writes are ever read again
here (nothing forks or replays a conversation). `agent.retention` decides what goes.

- SQLite (`SqliteSaver`): each checkpoint holds its whole state inline, so keeping the
  latest one is two DELETEs on the rows older than it, in one transaction. Space comes
  back through incremental auto_vacuum, in small steps (see `SqliteStore.reclaim`).
- PostgreSQL (`PostgresSaver`): state lives in `checkpoint_blobs` shared between
  checkpoints by channel version, so keeping the latest one is the saver's own
  `prune(strategy="keep_latest")` (one snapshot, blobs still referenced are kept).
  Deleted rows are made reusable by autovacuum; the tables stop growing rather than
  shrink (VACUUM FULL would lock them, so it is left to the operator).
- In memory (`InMemorySaver`): the same, on its dicts (tests, the local chat).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Protocol

from langgraph.checkpoint.base import BaseCheckpointSaver
from langgraph.checkpoint.memory import InMemorySaver


@dataclass(frozen=True)
class Head:
    """A conversation in the store: its latest checkpoint and how many it has."""

    thread: str
    latest: str
    checkpoints: int


@dataclass(frozen=True)
class StoreSize:
    bytes: int  # on disk (SQLite file + WAL) or in tables (PostgreSQL, with indexes)
    threads: int  # conversations with at least one checkpoint


class CheckpointStore(Protocol):
    def heads(self) -> list[Head]: ...

    def trim(self, thread: str) -> int:
        """Keep only the latest checkpoint of `thread`; how many checkpoints went."""
        ...

    def delete(self, thread: str) -> None: ...

    def reclaim(self) -> None:
        """Give freed space back where the backend can (a no-op elsewhere)."""
        ...

    def size(self) -> StoreSize: ...


def store_of(saver: BaseCheckpointSaver[Any]) -> CheckpointStore:
    from langgraph.checkpoint.sqlite import SqliteSaver

    if isinstance(saver, SqliteSaver):
        from agent.checkpoint_sqlite import SqliteStore

        return SqliteStore(saver)
    if isinstance(saver, InMemorySaver):
        return MemoryStore(saver)
    from langgraph.checkpoint.postgres import PostgresSaver

    if isinstance(saver, PostgresSaver):
        from agent.checkpoint_postgres import PostgresStore

        return PostgresStore(saver)
    raise TypeError(f"no upkeep for checkpointer {type(saver).__name__}")


HEADS_SQL = (
    "SELECT thread_id, MAX(checkpoint_id), COUNT(*) FROM checkpoints"
    " WHERE checkpoint_ns = '' GROUP BY thread_id"
)
THREADS_SQL = "SELECT COUNT(DISTINCT thread_id) FROM checkpoints"


class MemoryStore:
    """The in-memory saver's dicts: thread -> namespace -> checkpoint id -> checkpoint."""

    def __init__(self, saver: InMemorySaver) -> None:
        self.saver = saver

    def heads(self) -> list[Head]:
        return [
            Head(thread, max(spaces[""]), len(spaces[""]))
            for thread, spaces in list(self.saver.storage.items())
            if spaces.get("")
        ]

    def trim(self, thread: str) -> int:
        removed = 0
        for ns, checkpoints in self.saver.storage.get(thread, {}).items():
            latest = max(checkpoints, default=None)
            for old in [c for c in checkpoints if c != latest]:
                del checkpoints[old]
                self.saver.writes.pop((thread, ns, old), None)
                removed += 1
            if latest is not None:
                self._drop_unused_blobs(thread, ns, checkpoints[latest][0])
        return removed

    def _drop_unused_blobs(self, thread: str, ns: str, kept: tuple[str, bytes]) -> None:
        versions = self.saver.serde.loads_typed(kept).get("channel_versions", {})
        for key in [k for k in self.saver.blobs if k[:2] == (thread, ns)]:
            if versions.get(key[2]) != key[3]:
                del self.saver.blobs[key]

    def delete(self, thread: str) -> None:
        self.saver.delete_thread(thread)

    def reclaim(self) -> None:
        return None

    def size(self) -> StoreSize:
        checkpoints = [c for spaces in self.saver.storage.values() for c in spaces.values()]
        stored = sum(len(cp[1]) + len(meta[1]) for c in checkpoints for cp, meta, _ in c.values())
        stored += sum(len(blob[1] or b"") for blob in self.saver.blobs.values())
        return StoreSize(stored, len(self.heads()))
