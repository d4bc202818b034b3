"""What enrolling a batch reads before it writes: the stored people, contacts and enrolments
of the batch's rows, a few SELECTs per call whatever its size (stakeholders.delivery.enrolling).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from typing import TypeVar

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from auth.principal import Principal
from stakeholders.delivery.enums import EnrollmentStatus
from stakeholders.delivery.models import Cohort, Enrollment, Trainee, TraineeContact

__all__ = [
    "SEATED",
    "TraineeKey",
    "cohort_enrollments",
    "held_trainees",
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
