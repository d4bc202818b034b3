"""Fresh databases for the benchmarks, migrated and filled with the full demo at a factor."""

from __future__ import annotations

import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import func, select, text
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)

from auth.roles import PartyKind
from bench.programme_work import add_programme_work
from bench.statements import StatementLog
from demo.loader import load_demo
from gateway.db import Database, create_engine
from gateway.migrations import upgrade_connection
from stakeholders.delivery.models import Enrollment
from stakeholders.parties.models import Party
from stakeholders.parties.repository import path_of
from stakeholders.programmes.models import Participant, Programme

__all__ = [
    "BENCH_SUPERVISOR",
    "BenchDatabase",
    "add_bench_rows",
    "analyze",
    "postgresql_database",
    "sqlite_database",
]

# A schema of its own: the bench drops and remakes it, and nothing else, on the server it is given.
PG_SCHEMA = "accord_bench"


@dataclass
class BenchDatabase:
    name: str
    database: Database
    log: StatementLog
    build_seconds: float = 0.0
    enrollments: int = 0

    async def fill(self, factor: float, *, scale: str = "full", work: bool = False) -> None:
        """Migrate, then load the demo (small, then full at `factor` unless `scale` is small),
        with the bench's programme work if `work` (bench.programme_work); times both."""
        started = time.perf_counter()
        await self.migrate()
        async with self.database.sessions() as session, session.begin():
            await load_demo(session, scale=scale, factor=factor)
            await add_bench_rows(session, work=work)
        await analyze(self.database)
        self.build_seconds = time.perf_counter() - started
        async with self.database.sessions() as session:
            self.enrollments = int(await session.scalar(select(func.count(Enrollment.id))) or 0)

    async def migrate(self) -> None:
        async with self.database.engine.begin() as connection:
            await connection.run_sync(upgrade_connection)


async def analyze(database: Database) -> None:
    async with database.engine.begin() as connection:
        # Fresh tables have no statistics: without them the planner guesses, badly.
        await connection.execute(text("ANALYZE"))


async def add_bench_rows(session: AsyncSession, *, work: bool) -> None:
    """What the benches add to the demo: their programme work if `work`, then a supervisor of
    every programme (so that one auditor's read covers them all, the bench's own included)."""
    if work:
        await add_programme_work(session)
    await _supervise_everything(session)


# Auditors read only what their party supervises: the bench's reader of everything is a
# (fictitious) inspectorate supervising the four programmes, so that one read covers them all.
BENCH_SUPERVISOR = "BENCH-INSPECTORATE"


async def _supervise_everything(session: AsyncSession) -> None:
    party = Party(
        code=BENCH_SUPERVISOR,
        name="Bench inspectorate",
        kind=PartyKind.MINISTRY,
        country="FR",
        path=path_of(None, BENCH_SUPERVISOR),
    )
    session.add(party)
    await session.flush()
    for programme_id in await session.scalars(select(Programme.id)):
        session.add(Participant(programme_id=programme_id, party_id=party.id, role="SUPERVISOR"))


def _bench_database(name: str, engine: AsyncEngine) -> BenchDatabase:
    log = StatementLog()
    log.attach(engine)
    database = Database(engine, async_sessionmaker(engine, expire_on_commit=False))
    return BenchDatabase(name, database, log)


@asynccontextmanager
async def sqlite_database(directory: Path) -> AsyncIterator[BenchDatabase]:
    engine = create_engine(f"sqlite+aiosqlite:///{directory / 'bench.db'}")
    try:
        yield _bench_database("SQLite", engine)
    finally:
        await engine.dispose()


@asynccontextmanager
async def postgresql_database(url: str) -> AsyncIterator[BenchDatabase]:
    await _remake_schema(url)
    engine = create_async_engine(
        url, pool_size=5, connect_args={"server_settings": {"search_path": PG_SCHEMA}}
    )
    try:
        yield _bench_database("PostgreSQL", engine)
    finally:
        await engine.dispose()
        await _remake_schema(url, drop_only=True)


async def _remake_schema(url: str, *, drop_only: bool = False) -> None:
    admin = create_engine(url)
    async with admin.begin() as connection:
        await connection.execute(text(f"DROP SCHEMA IF EXISTS {PG_SCHEMA} CASCADE"))
        if not drop_only:
            await connection.execute(text(f"CREATE SCHEMA {PG_SCHEMA}"))
    await admin.dispose()
