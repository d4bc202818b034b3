"""Rows added under a programme hold it as it is (FOR SHARE), not for themselves alone:
additions go side by side, a change of the programme waits for them, and a deadlock between
two writers is a CONFLICT for the one the database gave way, not an internal error."""

from __future__ import annotations

import asyncio

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import async_sessionmaker

from stakeholders.audit.service import verify_chain
from stakeholders.common.mutations import _lost_race
from stakeholders.common.relay import to_global_id
from stakeholders.programmes.models import Agreement, Programme
from stakeholders.writes import get_for_share, get_for_update
from tests.factories import build_world
from tests.test_agreements import CREATE_AGREEMENT, _agreement_input


def _postgresql_only(backend) -> None:
    if backend.name != "postgresql":
        pytest.skip("row locks are PostgreSQL's: SQLite holds one write lock for the database")


async def test_concurrent_additions_to_one_programme_all_land(own_database):
    # given
    session, client_for = own_database
    world = await build_world(session)
    await session.commit()
    pid = to_global_id("Programme", world.programme.id)
    coordinator = client_for("MIN", "coordinator")
    # when: eight agreements drawn up at once in the same programme
    bodies = await asyncio.gather(
        *(
            coordinator.execute(CREATE_AGREEMENT, input=_agreement_input(pid, title=f"Accord {n}"))
            for n in range(8)
        )
    )
    # then: every one landed, each audited, the chain whole
    assert [b.get("errors") for b in bodies] == [None] * 8
    count = select(func.count()).select_from(Agreement).where(Agreement.title.like("Accord %"))
    assert await session.scalar(count) == 8
    assert [problem async for problem in verify_chain(session)] == []


async def test_adders_share_the_programme_and_its_change_waits_for_them(backend, own_database):
    _postgresql_only(backend)
    # given: two transactions adding under the programme
    session, _ = own_database
    pk = (await build_world(session)).programme.id
    await session.commit()
    maker = async_sessionmaker(session.bind, expire_on_commit=False)
    async with maker() as first, maker() as second, maker() as changer:
        await get_for_share(first, Programme, pk)
        # when: the second holds it too, and someone changes the programme meanwhile
        await asyncio.wait_for(get_for_share(second, Programme, pk), timeout=5)
        change = asyncio.create_task(get_for_update(changer, Programme, pk))
        await asyncio.sleep(0.3)
        # then: the change waits for both, and goes on once they end
        assert not change.done()
        await first.commit()
        await asyncio.sleep(0.1)
        assert not change.done()
        await second.commit()
        await asyncio.wait_for(change, timeout=5)
        await changer.rollback()


async def test_two_adders_both_changing_the_programme_is_a_race_one_loses(backend, own_database):
    _postgresql_only(backend)
    # given: two transactions holding the programme shared
    session, _ = own_database
    pk = (await build_world(session)).programme.id
    await session.commit()
    maker = async_sessionmaker(session.bind, expire_on_commit=False)
    async with maker() as first, maker() as second:
        await get_for_share(first, Programme, pk)
        await get_for_share(second, Programme, pk)
        # when: each then wants it for itself
        outcomes = await asyncio.gather(
            get_for_update(first, Programme, pk),
            get_for_update(second, Programme, pk),
            return_exceptions=True,
        )
        # then: PostgreSQL gives one way, and the hub reads it as a lost race (CONFLICT)
        failures = [o for o in outcomes if isinstance(o, BaseException)]
        assert len(failures) == 1 and isinstance(failures[0], DBAPIError)
        assert _lost_race(failures[0])
        await first.rollback()
        await second.rollback()
