"""SQLite's writers of one process queue in arrival order, and every way a transaction ends
gives the next one its turn (schema.writer_queue)."""

from __future__ import annotations

import asyncio

import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from gateway.db import create_engine
from schema.writer_queue import begin_writing


@pytest.fixture
async def sessions(tmp_path):
    engine = create_engine(f"sqlite+aiosqlite:///{tmp_path / 'queue.db'}")
    async with engine.begin() as connection:
        await connection.execute(text("CREATE TABLE log (writer TEXT)"))
    yield async_sessionmaker(engine, expire_on_commit=False)
    await engine.dispose()


async def _write(session: AsyncSession, writer: str) -> None:
    await session.execute(text("INSERT INTO log VALUES (:w)"), {"w": writer})


async def test_writers_go_in_the_order_they_came(sessions):
    order: list[str] = []

    async def writer(name: str, after: asyncio.Event | None, started: asyncio.Event) -> None:
        if after is not None:
            await after.wait()
        async with sessions() as session:
            waiting = begin_writing(session)
            started.set()
            await waiting
            order.append(name)
            await _write(session, name)
            await asyncio.sleep(0.01)  # holds its turn across awaits, as a mutation does
            await session.commit()

    events = [asyncio.Event() for _ in range(5)]
    tasks = [
        asyncio.create_task(writer(str(i), events[i - 1] if i else None, events[i]))
        for i in range(5)
    ]
    await asyncio.gather(*tasks)
    assert order == ["0", "1", "2", "3", "4"]
    async with sessions() as session:
        assert (await session.execute(text("SELECT count(*) FROM log"))).scalar() == 5


async def _waits(sessions, first_ends) -> bool:
    """Whether a second writer waits while the first holds its turn, and gets it once
    `first_ends(session)` ran."""
    first = sessions()
    await begin_writing(first)
    async with sessions() as second:
        turn = asyncio.create_task(begin_writing(second))
        await asyncio.sleep(0.05)
        waited = not turn.done()
        await first_ends(first)
        await asyncio.wait_for(turn, timeout=5)
        await _write(second, "second")
        await second.commit()
    await first.close()
    return waited


async def test_a_commit_gives_the_next_writer_its_turn(sessions):
    assert await _waits(sessions, lambda s: s.commit())


async def test_a_rollback_gives_the_next_writer_its_turn(sessions):
    assert await _waits(sessions, lambda s: s.rollback())


async def test_a_session_closed_under_a_cancelled_request_gives_the_turn_back(sessions):
    assert await _waits(sessions, lambda s: s.close())


async def test_a_writer_cancelled_while_waiting_takes_no_turn(sessions):
    async with sessions() as first:
        await begin_writing(first)
        async with sessions() as second:
            waiting = asyncio.create_task(begin_writing(second))
            await asyncio.sleep(0.05)
            waiting.cancel()
            with pytest.raises(asyncio.CancelledError):
                await waiting
        await first.commit()
    # then: the queue is free for the next writer at once
    async with sessions() as third:
        await asyncio.wait_for(begin_writing(third), timeout=1)
        await _write(third, "third")
        await third.commit()
