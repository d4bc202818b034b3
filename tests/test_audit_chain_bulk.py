"""The audit chain advances once per transaction and stays whole through savepoints."""

from __future__ import annotations

import asyncio
import concurrent.futures
import contextlib
import multiprocessing
import os
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select, text
from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker, create_async_engine

from auth.principal import Principal
from gateway.db import create_engine
from gateway.migrations import upgrade_connection
from stakeholders.audit.models import AuditChain, AuditEvent
from stakeholders.audit.service import record, verify_chain
from stakeholders.common.relay import to_global_id
from tests.conftest import BACKENDS, PG_URL
from tests.factories import build_world

ACTOR = Principal(sub="test:bulk")

TWO_UPDATES = """
mutation Two(
  $good: UpdateResponsibilityProgressInput!
  $stale: UpdateResponsibilityProgressInput!
) {
  good: updateResponsibilityProgress(input: $good) { responsibility { version } }
  stale: updateResponsibilityProgress(input: $stale) { responsibility { version } }
}
"""


class Refused(Exception):
    """A row the batch gives up on: its savepoint rolls back."""


async def _record(session, pk: int) -> None:
    await record(
        session, ACTOR, action="bulkTest", entity_type="Party", entity_pk=pk, before=None, after={}
    )


async def _row(session, pk: int, *, refuse: bool) -> None:
    try:
        async with session.begin_nested():
            await _record(session, pk)
            if refuse:
                raise Refused
    except Refused:
        pass


async def _problems(session) -> list[tuple[int, str]]:
    return [problem async for problem in verify_chain(session)]


async def _recorded(session) -> list[tuple[int, str]]:
    rows = await session.execute(
        select(AuditEvent.seq, AuditEvent.entity_id)
        .where(AuditEvent.action == "bulkTest")
        .order_by(AuditEvent.seq)
    )
    return [(seq, entity_id) for seq, entity_id in rows]


async def test_a_batch_with_rolled_back_rows_leaves_a_whole_chain(session):
    # given: a batch of 30 rows, one row's savepoint in three rolled back, the first one too
    start = await session.scalar(select(AuditChain.seq))
    refused = {pk for pk in range(1, 31) if pk % 3 == 1}
    # when
    for pk in range(1, 31):
        await _row(session, pk, refuse=pk in refused)
    await session.commit()
    # then: the survivors are numbered on, without a gap, and the chain verifies
    recorded = await _recorded(session)
    assert recorded == [
        (start + n, to_global_id("Party", pk))
        for n, pk in enumerate(sorted(set(range(1, 31)) - refused), start=1)
    ]
    assert await session.scalar(select(AuditChain.seq)) == start + 20
    assert await _problems(session) == []


async def test_a_savepoint_rolled_back_inside_a_released_one_takes_only_its_events(session):
    # given
    async with session.begin_nested():
        await _record(session, 1)
        await _row(session, 2, refuse=True)
        async with session.begin_nested():
            await _record(session, 3)
            await _row(session, 4, refuse=False)
    # when: an outer savepoint holding released inner ones rolls back
    try:
        async with session.begin_nested():
            await _record(session, 5)
            await _row(session, 6, refuse=False)
            raise Refused
    except Refused:
        pass
    await _record(session, 7)
    await session.commit()
    # then
    assert [entity for _, entity in await _recorded(session)] == [
        to_global_id("Party", pk) for pk in (1, 3, 4, 7)
    ]
    assert await _problems(session) == []


async def test_a_transaction_whose_every_event_rolled_back_leaves_the_head_alone(session):
    # given
    head = (await session.execute(select(AuditChain.seq, AuditChain.head_hash))).one()
    # when
    await _row(session, 1, refuse=True)
    await _row(session, 2, refuse=True)
    await session.commit()
    # then
    assert (await session.execute(select(AuditChain.seq, AuditChain.head_hash))).one() == head
    assert await _recorded(session) == []


async def test_events_are_read_back_before_the_commit(session):
    # given: released savepoints, the transaction still open
    await _row(session, 1, refuse=False)
    await _row(session, 2, refuse=False)
    # when
    count = await session.scalar(
        select(func.count()).select_from(AuditEvent).where(AuditEvent.action == "bulkTest")
    )
    # then: the trail reads as it will be committed
    assert count == 2
    await session.commit()
    assert await _problems(session) == []


async def test_a_refused_mutation_beside_an_accepted_one_leaves_no_gap(session, client_for):
    # given: two updates of one duty in one request, the second with a stale version
    world = await build_world(session)
    await session.commit()
    rid = to_global_id("Responsibility", world.responsibility.id)
    before = await session.scalar(select(AuditChain.seq))
    # when
    body = await client_for("OP-1", "operator_staff").execute(
        TWO_UPDATES,
        good={"id": rid, "version": 1, "status": "IN_PROGRESS", "progress": 10, "note": "a"},
        stale={"id": rid, "version": 1, "status": "IN_PROGRESS", "progress": 20, "note": "b"},
    )
    # then
    assert body["data"]["good"]["responsibility"]["version"] == 2
    assert [e["extensions"]["code"] for e in body["errors"]] == ["CONFLICT"]
    session.expire_all()
    assert await session.scalar(select(AuditChain.seq)) == before + 1
    assert await _problems(session) == []


# --- concurrent writers: several processes append to one chain ----------------------------

WRITERS, TRANSACTIONS, ROWS = 3, 4, 12


def _engine(url: str, schema: str | None) -> AsyncEngine:
    if schema is None:
        return create_engine(url)
    return create_async_engine(url, connect_args={"server_settings": {"search_path": schema}})


async def _write_batches(url: str, schema: str | None, writer: int) -> None:
    engine = _engine(url, schema)
    sessions = async_sessionmaker(engine, expire_on_commit=False)
    try:
        for t in range(TRANSACTIONS):
            async with sessions() as session:
                for r in range(ROWS):
                    pk = (writer * TRANSACTIONS + t) * ROWS + r + 1
                    await _row(session, pk, refuse=r % 4 == 0)
                    # Transactions stay open a while, so that the writers' overlap.
                    await asyncio.sleep(0.005)
                await session.commit()
    finally:
        await engine.dispose()


def _writer_process(url: str, schema: str | None, writer: int, start: Any) -> None:
    start.wait(timeout=60)
    asyncio.run(_write_batches(url, schema, writer))


@contextlib.asynccontextmanager
async def _own_database(name: str, tmp_path: Path) -> AsyncIterator[tuple[str, str | None]]:
    """A migrated database of its own: these writers commit, unlike the other tests."""
    if name == "sqlite":
        url = f"sqlite+aiosqlite:///{tmp_path / 'chain.db'}"
        schema = None
    else:
        assert PG_URL
        url, schema = PG_URL, f"accord_chain_{os.getpid()}"
        await _admin(f"DROP SCHEMA IF EXISTS {schema} CASCADE; CREATE SCHEMA {schema}")
    engine = _engine(url, schema)
    async with engine.begin() as connection:
        await connection.run_sync(upgrade_connection)
    await engine.dispose()
    try:
        yield url, schema
    finally:
        if schema is not None:
            await _admin(f"DROP SCHEMA IF EXISTS {schema} CASCADE")


async def _admin(statements: str) -> None:
    assert PG_URL
    engine = create_engine(PG_URL)
    async with engine.begin() as connection:
        for statement in statements.split("; "):
            await connection.execute(text(statement))
    await engine.dispose()


@pytest.mark.parametrize("name", BACKENDS)
async def test_concurrent_writers_append_one_linear_chain(name, tmp_path):
    async with _own_database(name, tmp_path) as (url, schema):
        # given: writer processes, each committing batches with rolled-back rows
        spawn = multiprocessing.get_context("spawn")
        with (
            spawn.Manager() as manager,
            concurrent.futures.ProcessPoolExecutor(WRITERS, mp_context=spawn) as pool,
        ):
            start = manager.Barrier(WRITERS)
            futures = [pool.submit(_writer_process, url, schema, w, start) for w in range(WRITERS)]
            # when
            for future in futures:
                future.result(timeout=120)
        # then: every surviving row once, numbered 1..n without a gap, the chain intact
        engine = _engine(url, schema)
        try:
            async with async_sessionmaker(engine)() as session:
                recorded = await _recorded(session)
                problems = await _problems(session)
                head = await session.scalar(select(AuditChain.seq))
        finally:
            await engine.dispose()
    survivors = WRITERS * TRANSACTIONS * ROWS * 3 // 4
    assert [seq for seq, _ in recorded] == list(range(1, survivors + 1))
    assert len({entity for _, entity in recorded}) == survivors
    assert head == survivors
    assert problems == []


@pytest.mark.skipif(
    not PG_URL, reason="ACCORD_TEST_DATABASE_URL is not set: PostgreSQL leg skipped"
)
async def test_a_writer_holds_the_head_only_for_its_commit(tmp_path):
    async with _own_database("postgresql", tmp_path) as (url, schema):
        engine = _engine(url, schema)
        sessions = async_sessionmaker(engine, expire_on_commit=False)
        try:
            async with sessions() as first, sessions() as second:
                # given: a transaction that recorded an event and is still at work
                await _row(first, 1, refuse=False)

                # when: another records and commits meanwhile
                async def record_and_commit() -> None:
                    await _row(second, 2, refuse=False)
                    await second.commit()

                done = asyncio.ensure_future(record_and_commit())
                try:
                    await asyncio.wait_for(asyncio.shield(done), timeout=10)
                except TimeoutError:
                    await first.rollback()  # lets the second through, then fails
                    await done
                    pytest.fail("the second writer waited for the first's transaction")
                await first.commit()
            # then: it did not wait for the first; each is chained in commit order
            async with sessions() as session:
                assert [entity for _, entity in await _recorded(session)] == [
                    to_global_id("Party", 2),
                    to_global_id("Party", 1),
                ]
                assert await _problems(session) == []
        finally:
            await engine.dispose()
