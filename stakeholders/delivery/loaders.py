"""Loaders of delivery rows, named for what they load."""

from __future__ import annotations

from stakeholders.common.loading import ByKey, ListsByKey, PagesByKey
from stakeholders.delivery import repository as repo

__all__ = [
    "CohortByIdLoader",
    "CohortsByProgrammeLoader",
    "ContactsByTraineeLoader",
    "EnrollmentByIdLoader",
    "EnrollmentsByCohortLoader",
    "EnrollmentsByTraineeLoader",
    "TraineeByIdLoader",
]


class CohortByIdLoader(ByKey):
    table = repo.COHORTS
    readable = repo.readable_cohorts


class CohortsByProgrammeLoader(PagesByKey):
    table = repo.COHORTS
    readable = repo.readable_cohorts
    key = "programme_id"


class TraineeByIdLoader(ByKey):
    table = repo.TRAINEES
    readable = repo.readable_trainees


class EnrollmentByIdLoader(ByKey):
    table = repo.ENROLLMENTS
    readable = repo.readable_enrollments


class EnrollmentsByCohortLoader(PagesByKey):
    table = repo.ENROLLMENTS
    readable = repo.readable_enrollments
    key = "cohort_id"


class EnrollmentsByTraineeLoader(PagesByKey):
    table = repo.ENROLLMENTS
    readable = repo.readable_enrollments
    key = "trainee_id"


class ContactsByTraineeLoader(ListsByKey):
    table = repo.CONTACTS
    readable = repo.readable_contacts
    key = "trainee_id"
