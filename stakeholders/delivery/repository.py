"""Reading delivery rows: each type's readable select, derived facts computed in SQL."""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, Select, exists

from auth.principal import Principal
from stakeholders.common.access import DerivedFact, readable_select
from stakeholders.db import table_of
from stakeholders.delivery.models import Cohort, Enrollment, Trainee
from stakeholders.outcomes.repository import hired_through

__all__ = [
    "COHORTS",
    "ENROLLMENTS",
    "TRAINEES",
    "readable_cohorts",
    "readable_enrollments",
    "readable_trainees",
]

COHORTS = table_of(Cohort)
TRAINEES = table_of(Trainee)
ENROLLMENTS = table_of(Enrollment)


def _enrolled_where(column: str) -> DerivedFact:
    """The trainee has an enrolment whose `column` is one of the caller's keys."""

    def clause(keys: frozenset[Any]) -> ColumnElement[bool]:
        return exists().where(
            ENROLLMENTS.c.trainee_id == TRAINEES.c.id,
            ENROLLMENTS.c[column].in_(sorted(keys)),
        )

    return clause


def _resident(keys: frozenset[Any]) -> ColumnElement[bool]:
    return exists().where(
        TRAINEES.c.id == ENROLLMENTS.c.trainee_id,
        TRAINEES.c.residence_district_id.in_(sorted(keys)),
    )


TRAINEE_FACTS: dict[str, DerivedFact] = {
    "via_operator": _enrolled_where("operator_party_id"),
    "via_host": _enrolled_where("host_party_id"),
    "via_owner": _enrolled_where("programme_id"),
    "via_employer": hired_through(TRAINEES.c.id, "trainee_id"),
}
ENROLLMENT_FACTS: dict[str, DerivedFact] = {
    "via_resident": _resident,
    "via_employer": hired_through(ENROLLMENTS.c.id, "enrollment_id"),
}


def readable_cohorts(principal: Principal) -> Select[Any]:
    return readable_select("Cohort", COHORTS, principal)


def readable_trainees(principal: Principal) -> Select[Any]:
    return readable_select("Trainee", TRAINEES, principal, TRAINEE_FACTS)


def readable_enrollments(principal: Principal) -> Select[Any]:
    return readable_select("Enrollment", ENROLLMENTS, principal, ENROLLMENT_FACTS)
