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


CohortByIdLoader = ByKey.on(repo.COHORTS, repo.readable_cohorts)
CohortsByProgrammeLoader = PagesByKey.on(repo.COHORTS, repo.readable_cohorts, "programme_id")
TraineeByIdLoader = ByKey.on(repo.TRAINEES, repo.readable_trainees)
EnrollmentByIdLoader = ByKey.on(repo.ENROLLMENTS, repo.readable_enrollments)
EnrollmentsByCohortLoader = PagesByKey.on(repo.ENROLLMENTS, repo.readable_enrollments, "cohort_id")
EnrollmentsByTraineeLoader = PagesByKey.on(
    repo.ENROLLMENTS, repo.readable_enrollments, "trainee_id"
)
ContactsByTraineeLoader = ListsByKey.on(repo.CONTACTS, repo.readable_contacts, "trainee_id")
