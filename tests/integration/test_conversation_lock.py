"""One agent turn per conversation across processes: the conversation lock is an
asyncio lock for this process and a lease in the store for the others. Two locks with
their own asyncio locks stand for two processes sharing one SQLite database."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from pathlib import Path

from slack_app.bootstrap import Runtime, build_runtime
from slack_app.listeners.deps import ConversationLock
from slack_app.settings import Settings


def test_a_second_process_waits_for_the_first_then_goes(tmp_path: Path) -> None:
    runtime = build_runtime(Settings(database_url=f"sqlite:///{tmp_path / 'app.db'}"))
    order: list[str] = []

    async def turn(name: str, hold: float) -> None:
        async with ConversationLock(asyncio.Lock(), runtime, "slack:T1:D1"):
            order.append(f"{name} in")
            await asyncio.sleep(hold)
            order.append(f"{name} out")

    async def scenario() -> None:
        first = asyncio.create_task(turn("first", 0.3))
        await asyncio.sleep(0.05)
        second = asyncio.create_task(turn("second", 0))
        other = asyncio.create_task(_other(runtime, order))  # another conversation
        await asyncio.gather(first, second, other)

    asyncio.run(scenario())
    assert order.index("other") < order.index("first out")
    assert [o for o in order if o != "other"] == [
        "first in",
        "first out",
        "second in",
        "second out",
    ]


async def _other(runtime: Runtime, order: list[str]) -> None:
    async with ConversationLock(asyncio.Lock(), runtime, "slack:T1:D2"):
        order.append("other")


def test_a_lease_left_by_a_dead_holder_lapses(tmp_path: Path) -> None:
    runtime = build_runtime(Settings(database_url=f"sqlite:///{tmp_path / 'app.db'}"))
    dead = ConversationLock(asyncio.Lock(), runtime, "slack:T1:D1")
    assert dead._acquire()  # it took the lease, then its process died: never released
    alive = ConversationLock(asyncio.Lock(), runtime, "slack:T1:D1")
    assert alive._acquire() is False
    later = datetime.now(UTC) + dead.lease + timedelta(seconds=1)
    with runtime.uow() as uow:
        assert uow.leases.acquire(alive.name, alive.holder, until=later, at=later)
        uow.commit()


def test_a_long_turn_keeps_its_short_lease_by_heartbeat(tmp_path: Path) -> None:
    """A turn longer than the lease: the holder renews it, nobody else gets in."""
    settings = Settings(database_url=f"sqlite:///{tmp_path / 'app.db'}", lease_seconds=1)
    runtime = build_runtime(settings)
    other = ConversationLock(asyncio.Lock(), runtime, "slack:T1:D1")
    got_in: list[bool] = []

    async def scenario() -> None:
        async with ConversationLock(asyncio.Lock(), runtime, "slack:T1:D1"):
            await asyncio.sleep(1.5)  # past the 1 s lease; beats every 1/3 s renew it
            got_in.append(await asyncio.to_thread(other._acquire))

    asyncio.run(scenario())
    assert got_in == [False]
    assert other._acquire()  # released at the end of the turn
