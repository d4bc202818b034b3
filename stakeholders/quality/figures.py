"""Quality figures from the raw records: enrolled, completed, first-time pass rate and
placement within six months of the training's end - per offer, per lot and per operator, each
in one GROUP BY over the enrolments (never a loop over rows)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, case, exists, func, literal_column, select

from stakeholders.db import table_of
from stakeholders.delivery.enums import EnrollmentStatus
from stakeholders.delivery.models import Cohort, Enrollment
from stakeholders.outcomes.models import Assessment, Placement
from stakeholders.parties.repository import PARTIES
from stakeholders.quality.repository import LOTS, SESSIONS

__all__ = ["Figures", "by_lot", "by_offer", "by_operator", "months_after"]

COHORTS = table_of(Cohort)
ENROLMENTS = table_of(Enrollment)
ASSESSMENTS = table_of(Assessment)
PLACEMENTS = table_of(Placement)
PLACEMENT_MONTHS = 6


@dataclass(frozen=True)
class Figures:
    enrolled: int
    completed: int
    # First attempts taken and passed; placements within six months of completed enrolments.
    first_attempts: int
    first_attempts_passed: int
    placed: int

    @classmethod
    def of(cls, row: Any | None) -> Figures:
        if row is None:
            return cls(0, 0, 0, 0, 0)
        return cls(
            int(row.enrolled or 0),
            int(row.completed or 0),
            int(row.first_attempts or 0),
            int(row.first_passed or 0),
            int(row.placed or 0),
        )


def months_after(day: ColumnElement[Any], months: int, dialect: str) -> ColumnElement[Any]:
    """`day` plus `months`, in the database (SQLite stores dates as ISO text)."""
    if dialect == "sqlite":
        return func.date(day, f"+{months} months")
    return day + literal_column(f"interval '{months} months'")


def _measures(dialect: str) -> list[ColumnElement[Any]]:
    e, c = ENROLMENTS.c, COHORTS.c
    first = (
        select(ASSESSMENTS.c.passed)
        .where(ASSESSMENTS.c.enrollment_id == e.id, ASSESSMENTS.c.attempt == 1)
        .limit(1)
        .scalar_subquery()
    )
    placed = exists().where(
        PLACEMENTS.c.enrollment_id == e.id,
        PLACEMENTS.c.starts_on <= months_after(c.ends_on, PLACEMENT_MONTHS, dialect),
    )
    completed = e.status == EnrollmentStatus.COMPLETED.value
    return [
        func.count(e.id).label("enrolled"),
        func.sum(case((completed, 1), else_=0)).label("completed"),
        func.sum(case((first.is_not(None), 1), else_=0)).label("first_attempts"),
        func.sum(case((first.is_(True), 1), else_=0)).label("first_passed"),
        func.sum(case((and_(completed, placed), 1), else_=0)).label("placed"),
    ]


def _counted() -> ColumnElement[bool]:
    """Enrolments that took place (not applications refused or still pending)."""
    counted = [EnrollmentStatus.ENROLLED, EnrollmentStatus.COMPLETED, EnrollmentStatus.DROPPED]
    return ENROLMENTS.c.status.in_([s.value for s in counted])


def by_offer(offer_ids: Sequence[int], dialect: str) -> Select[Any]:
    """Per offer, over the cohorts that ran it."""
    return (
        select(SESSIONS.c.offer_id.label("key"), *_measures(dialect))
        .select_from(SESSIONS)
        .join(COHORTS, COHORTS.c.id == SESSIONS.c.cohort_id)
        .join(ENROLMENTS, ENROLMENTS.c.cohort_id == COHORTS.c.id)
        .where(SESSIONS.c.offer_id.in_(list(offer_ids)), _counted())
        .group_by(SESSIONS.c.offer_id)
    )


def by_lot(lot_ids: Sequence[int], dialect: str) -> Select[Any]:
    """Per awarded lot: the awarded operator's cohorts of the programme in the lot's region
    (its party subtree), started from the award on."""
    region = PARTIES.alias("region")
    district = PARTIES.alias("district")
    return (
        select(LOTS.c.id.label("key"), *_measures(dialect))
        .select_from(LOTS)
        .join(region, region.c.id == LOTS.c.region_party_id)
        .join(
            COHORTS,
            and_(
                COHORTS.c.programme_id == LOTS.c.programme_id,
                COHORTS.c.operator_party_id == LOTS.c.operator_party_id,
                COHORTS.c.starts_on >= LOTS.c.awarded_on,
            ),
        )
        .join(district, district.c.id == COHORTS.c.district_party_id)
        .join(ENROLMENTS, ENROLMENTS.c.cohort_id == COHORTS.c.id)
        .where(
            LOTS.c.id.in_(list(lot_ids)),
            district.c.path.startswith(region.c.path),
            _counted(),
        )
        .group_by(LOTS.c.id)
    )


def by_operator(programme_ids: Sequence[int], dialect: str) -> Select[Any]:
    """Per programme and operator, over all the operator's cohorts there."""
    return (
        select(
            COHORTS.c.programme_id.label("key"),
            COHORTS.c.operator_party_id.label("operator"),
            *_measures(dialect),
        )
        .select_from(COHORTS)
        .join(ENROLMENTS, ENROLMENTS.c.cohort_id == COHORTS.c.id)
        .where(COHORTS.c.programme_id.in_(list(programme_ids)), _counted())
        .group_by(COHORTS.c.programme_id, COHORTS.c.operator_party_id)
        .order_by(COHORTS.c.programme_id, COHORTS.c.operator_party_id)
    )
