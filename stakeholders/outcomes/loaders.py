"""Loaders of outcome rows, named for what they load."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Integer, cast, func, select

from stakeholders.common.access import in_keys
from stakeholders.common.loading import ByKey, ListsByKey, PagesByKey
from stakeholders.outcomes import repository as repo

__all__ = [
    "AssessmentByIdLoader",
    "AssessmentsByEnrollmentLoader",
    "AttendanceByEnrollmentLoader",
    "AttendanceByIdLoader",
    "AttendanceDaysByCohortLoader",
    "AttendanceRateByEnrollmentLoader",
    "CertificateByEnrollmentLoader",
    "CertificateByIdLoader",
    "CertificateByNumberLoader",
    "DayCount",
    "FollowUpByIdLoader",
    "FollowUpsByEnrollmentLoader",
    "PlacementByEnrollmentLoader",
    "PlacementByIdLoader",
]


AttendanceByIdLoader = ByKey.on(repo.ATTENDANCE, repo.readable_attendance)
AttendanceByEnrollmentLoader = PagesByKey.on(
    repo.ATTENDANCE, repo.readable_attendance, "enrollment_id"
)


@dataclass(frozen=True)
class DayCount:
    day: Any
    present: int
    absent: int


class AttendanceDaysByCohortLoader(ListsByKey):
    """Per cohort, each session day with how many were present and absent (one GROUP BY)."""

    table = repo.ATTENDANCE
    readable = repo.readable_attendance
    key = "cohort_id"

    async def batch_load_fn(self, keys: Sequence[Any]) -> list[list[Any]]:  # type: ignore[override]
        rows = self._base().where(in_keys(self.table.c.cohort_id, set(keys), self.loaders.dialect))
        seen = rows.subquery()
        present = func.sum(cast(seen.c.present, Integer))
        stmt = (
            select(seen.c.cohort_id, seen.c.session_on, present, func.count())
            .group_by(seen.c.cohort_id, seen.c.session_on)
            .order_by(seen.c.session_on)
        )
        grouped: dict[Any, list[DayCount]] = defaultdict(list)
        for row in await self._rows(stmt):
            cohort, day, here, total = tuple(row)
            grouped[cohort].append(DayCount(day, int(here or 0), int(total) - int(here or 0)))
        return [grouped.get(k, []) for k in keys]


class AttendanceRateByEnrollmentLoader(ByKey):
    """Per enrolment, the share of its recorded session days it attended; None when none."""

    table = repo.ATTENDANCE
    readable = repo.readable_attendance
    key = "enrollment_id"

    async def batch_load_fn(self, keys: Sequence[Any]) -> list[Any]:  # type: ignore[override]
        rows = self._base().where(
            in_keys(self.table.c.enrollment_id, set(keys), self.loaders.dialect)
        )
        seen = rows.subquery()
        stmt = select(
            seen.c.enrollment_id, func.sum(cast(seen.c.present, Integer)), func.count()
        ).group_by(seen.c.enrollment_id)
        counts = [tuple(row) for row in await self._rows(stmt)]
        rates = {e: int(here or 0) / total for e, here, total in counts if total}
        return [rates.get(k) for k in keys]


AssessmentByIdLoader = ByKey.on(repo.ASSESSMENTS, repo.readable_assessments)
AssessmentsByEnrollmentLoader = ListsByKey.on(
    repo.ASSESSMENTS, repo.readable_assessments, "enrollment_id"
)
CertificateByIdLoader = ByKey.on(repo.CERTIFICATES, repo.readable_certificates)
CertificateByEnrollmentLoader = ByKey.on(
    repo.CERTIFICATES, repo.readable_certificates, "enrollment_id"
)
CertificateByNumberLoader = ByKey.on(repo.CERTIFICATES, repo.readable_certificates, "number")
PlacementByIdLoader = ByKey.on(repo.PLACEMENTS, repo.readable_placements)
PlacementByEnrollmentLoader = ByKey.on(repo.PLACEMENTS, repo.readable_placements, "enrollment_id")
FollowUpByIdLoader = ByKey.on(repo.FOLLOW_UPS, repo.readable_follow_ups)
FollowUpsByEnrollmentLoader = ListsByKey.on(
    repo.FOLLOW_UPS, repo.readable_follow_ups, "enrollment_id"
)
