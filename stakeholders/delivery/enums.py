"""States and kinds of delivery, as GraphQL shows them (UPPER_SNAKE_CASE)."""

from __future__ import annotations

import enum

__all__ = [
    "OPEN_COHORTS",
    "CohortMode",
    "CohortStatus",
    "EducationLevel",
    "EmploymentStatus",
    "EnrollmentStatus",
    "Gender",
]


class CohortMode(enum.StrEnum):
    IN_PERSON = "IN_PERSON"
    ONLINE = "ONLINE"
    BLENDED = "BLENDED"


class CohortStatus(enum.StrEnum):
    PLANNED = "PLANNED"
    OPEN = "OPEN"
    RUNNING = "RUNNING"
    CLOSED = "CLOSED"
    CANCELLED = "CANCELLED"


# Cohorts that still take enrolments and attendance.
OPEN_COHORTS = (CohortStatus.PLANNED, CohortStatus.OPEN, CohortStatus.RUNNING)


class Gender(enum.StrEnum):
    FEMALE = "FEMALE"
    MALE = "MALE"
    OTHER = "OTHER"
    UNDISCLOSED = "UNDISCLOSED"


class EducationLevel(enum.StrEnum):
    NONE = "NONE"
    PRIMARY = "PRIMARY"
    SECONDARY = "SECONDARY"
    VOCATIONAL = "VOCATIONAL"
    BACHELOR = "BACHELOR"
    MASTER = "MASTER"
    DOCTORATE = "DOCTORATE"


class EmploymentStatus(enum.StrEnum):
    STUDENT = "STUDENT"
    FINAL_YEAR_STUDENT = "FINAL_YEAR_STUDENT"
    EMPLOYEE = "EMPLOYEE"
    CIVIL_SERVANT = "CIVIL_SERVANT"
    JOB_SEEKER = "JOB_SEEKER"
    SELF_EMPLOYED = "SELF_EMPLOYED"


class EnrollmentStatus(enum.StrEnum):
    APPLIED = "APPLIED"
    ELIGIBLE = "ELIGIBLE"
    INELIGIBLE = "INELIGIBLE"
    ENROLLED = "ENROLLED"
    COMPLETED = "COMPLETED"
    DROPPED = "DROPPED"
