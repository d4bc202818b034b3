"""What enrolling a batch reads before it writes: the stored people, contacts and enrolments
of the batch's rows, a few SELECTs per call whatever its size (stakeholders.delivery.enrolling).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from typing import Any, TypeVar

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from auth.principal import Principal
from stakeholders.delivery.enums import EnrollmentStatus
from stakeholders.delivery.models import Cohort, Enrollment, Trainee, TraineeContact

__all__ = [
    "SEATED",
    "TraineeKey",
    "cohort_enrollments",
    "free_ids",
    "held_trainees",
    "number_rows",
    "own_contacts",
    "seats_taken",
    "stored_trainees",
]

# Enrolments that hold a seat in the cohort.
SEATED = (EnrollmentStatus.APPLIED, EnrollmentStatus.ELIGIBLE, EnrollmentStatus.ENROLLED)
# Keys per prefetching SELECT: well under the bound-parameter limits of SQLite and asyncpg.
PREFETCH_CHUNK = 500
T = TypeVar("T")

TraineeKey = tuple[str, str]


async def seats_taken(session: AsyncSession, cohort: Cohort) -> int:
    count = await session.scalar(
        select(func.count())
        .select_from(Enrollment)
        .where(Enrollment.cohort_id == cohort.id, Enrollment.status.in_(SEATED))
    )
    return int(count or 0)


def _chunks(items: Sequence[T], size: int = PREFETCH_CHUNK) -> Iterator[Sequence[T]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


async def stored_trainees(
    session: AsyncSession, keys: Iterable[TraineeKey]
) -> dict[TraineeKey, Trainee]:
    """The trainees already stored among `keys`, one SELECT per country and chunk."""
    by_country: dict[str, set[str]] = {}
    for country, national_id in keys:
        by_country.setdefault(country, set()).add(national_id)
    found: dict[TraineeKey, Trainee] = {}
    for country, national_ids in by_country.items():
        for chunk in _chunks(sorted(national_ids)):
            rows = await session.scalars(
                select(Trainee).where(Trainee.country == country, Trainee.national_id.in_(chunk))
            )
            found.update({(t.country, t.national_id): t for t in rows})
    return found


async def held_trainees(
    session: AsyncSession, principal: Principal, trainee_ids: Sequence[int]
) -> set[int]:
    """Those of `trainee_ids` the caller's party trains already (a cohort of its subtree)."""
    held: set[int] = set()
    for chunk in _chunks(sorted(trainee_ids)):
        rows = await session.scalars(
            select(Enrollment.trainee_id)
            .where(
                Enrollment.trainee_id.in_(chunk),
                Enrollment.operator_party_id.in_(sorted(principal.subtree)),
            )
            .distinct()
        )
        held.update(rows)
    return held


async def own_contacts(
    session: AsyncSession, party_id: int, trainee_ids: Sequence[int]
) -> dict[int, TraineeContact]:
    """The contacts the acting party holds of these trainees, by trainee id."""
    found: dict[int, TraineeContact] = {}
    for chunk in _chunks(sorted(trainee_ids)):
        rows = await session.scalars(
            select(TraineeContact).where(
                TraineeContact.party_id == party_id, TraineeContact.trainee_id.in_(chunk)
            )
        )
        found.update({c.trainee_id: c for c in rows})
    return found


async def cohort_enrollments(
    session: AsyncSession, cohort: Cohort, trainee_ids: Sequence[int]
) -> dict[int, Enrollment]:
    """The cohort's enrolments of these trainees, by trainee id, one SELECT per chunk."""
    found: dict[int, Enrollment] = {}
    for chunk in _chunks(sorted(trainee_ids)):
        rows = await session.scalars(
            select(Enrollment).where(
                Enrollment.cohort_id == cohort.id, Enrollment.trainee_id.in_(chunk)
            )
        )
        found.update({e.trainee_id: e for e in rows})
    return found


async def free_ids(session: AsyncSession, models: Sequence[type[Any]]) -> dict[type, int]:
    """The first id free in each model's table, on SQLite only (elsewhere: none).

    The ORM batches INSERTs with RETURNING on PostgreSQL, but SQLite returns rows in no
    guaranteed order, so there it inserts one row per statement to learn each id: thousands
    of round trips through aiosqlite's thread. With the ids given, it sends one executemany.
    They are the ids SQLite would choose (max + 1: its tables have no AUTOINCREMENT), read
    under the write lock the transaction holds (BEGIN IMMEDIATE); should another writer take
    one all the same, the unique key refuses it and enroll_trainees falls back row by row.
    Read before the new rows are added: this SELECT's autoflush would insert them.
    """
    if (await session.connection()).dialect.name != "sqlite":
        return {}
    return {m: int(await session.scalar(select(func.max(m.id))) or 0) + 1 for m in models}


def number_rows(rows: Sequence[Any], free: dict[type, int]) -> None:
    """Give new rows of one model the ids `free_ids` found, when it found any."""
    if rows and (first := free.get(type(rows[0]))) is not None:
        for offset, row in enumerate(rows):
            row.id = first + offset
