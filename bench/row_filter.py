"""What the policy's row filter costs the database: each loader's SELECT as the caller's
readable select (row rule, derived-fact EXISTS columns) against the bare table, same keys."""

from __future__ import annotations

import gc
import time
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Select, select

from auth.principal import Principal
from bench.databases import BenchDatabase
from bench.nested_read import COHORTS, ENROLLMENTS, PARTIES, PROGRAMMES, TRAINEES, Caller
from stakeholders.common.access import in_keys
from stakeholders.delivery.repository import readable_enrollments, readable_trainees

__all__ = ["FilterCost", "filter_costs"]


@dataclass
class FilterCost:
    statement: str
    keys: int
    # The fastest of the runs: these are short, and the slower runs measure the machine.
    filtered_ms: float
    bare_ms: float


async def filter_costs(
    db: BenchDatabase, caller: Caller, principal: Principal, *, runs: int = 3
) -> list[FilterCost]:
    dialect = db.database.dialect
    trainees, cohorts = await _keys(db, caller)
    pairs = [
        (
            "trainees by id (TraineeByIdLoader)",
            trainees,
            readable_trainees(principal).where(in_keys(TRAINEES.c.id, trainees, dialect)),
            select(TRAINEES).where(in_keys(TRAINEES.c.id, trainees, dialect)),
        ),
        (
            "enrolments by cohort (unpaged)",
            cohorts,
            readable_enrollments(principal).where(
                in_keys(ENROLLMENTS.c.cohort_id, cohorts, dialect)
            ),
            select(ENROLLMENTS).where(in_keys(ENROLLMENTS.c.cohort_id, cohorts, dialect)),
        ),
    ]
    return [
        FilterCost(
            name,
            len(keys),
            await _fastest_ms(db, filtered, runs),
            await _fastest_ms(db, bare, runs),
        )
        for name, keys, filtered, bare in pairs
    ]


async def _keys(db: BenchDatabase, caller: Caller) -> tuple[list[int], list[int]]:
    """The trainees and cohorts the caller's nested read reaches."""
    stmt = select(ENROLLMENTS.c.trainee_id, ENROLLMENTS.c.cohort_id).distinct()
    if caller.owner is not None:
        owner = select(PARTIES.c.id).where(PARTIES.c.code == caller.owner).scalar_subquery()
        owned = select(PROGRAMMES.c.id).where(PROGRAMMES.c.owner_party_id == owner)
        stmt = stmt.join(COHORTS, COHORTS.c.id == ENROLLMENTS.c.cohort_id).where(
            COHORTS.c.programme_id.in_(owned)
        )
    async with db.database.sessions() as session:
        rows = (await session.execute(stmt)).all()
    return sorted({r[0] for r in rows}), sorted({r[1] for r in rows})


async def _fastest_ms(db: BenchDatabase, stmt: Select[Any], runs: int) -> float:
    times = []
    async with db.database.sessions() as session:
        await session.execute(stmt)  # warm: statement cache, pages in memory
        for _ in range(runs):
            gc.collect()
            started = time.perf_counter()
            (await session.execute(stmt)).all()
            times.append(time.perf_counter() - started)
    return min(times) * 1000
