"""Reading outcome rows: each type's readable select, derived facts computed in SQL."""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, Select, exists

from auth.principal import Principal
from stakeholders.common.access import DerivedFact, readable_select
from stakeholders.db import table_of
from stakeholders.delivery import repository as delivery
from stakeholders.outcomes.models import Assessment, Attendance, Certificate, FollowUp, Placement

__all__ = [
    "ASSESSMENTS",
    "ATTENDANCE",
    "CERTIFICATES",
    "FOLLOW_UPS",
    "PLACEMENTS",
    "hired_through",
    "readable_assessments",
    "readable_attendance",
    "readable_certificates",
    "readable_follow_ups",
    "readable_placements",
]

ATTENDANCE = table_of(Attendance)
ASSESSMENTS = table_of(Assessment)
CERTIFICATES = table_of(Certificate)
PLACEMENTS = table_of(Placement)
FOLLOW_UPS = table_of(FollowUp)


def hired_through(column: ColumnElement[Any], placement_column: str) -> DerivedFact:
    """The row's person was hired by one of the caller's parties: a placement links them."""

    def clause(keys: frozenset[Any]) -> ColumnElement[bool]:
        return exists().where(
            PLACEMENTS.c[placement_column] == column,
            PLACEMENTS.c.employer_party_id.in_(sorted(keys)),
        )

    return clause


CERTIFICATE_FACTS = {"via_employer": hired_through(CERTIFICATES.c.enrollment_id, "enrollment_id")}
# A sponsor that hired a person sees them and their enrolment (auth.relations.HIRED).
delivery.TRAINEE_FACTS["via_employer"] = hired_through(delivery.TRAINEES.c.id, "trainee_id")
delivery.ENROLLMENT_FACTS["via_employer"] = hired_through(
    delivery.ENROLLMENTS.c.id, "enrollment_id"
)


def readable_attendance(principal: Principal) -> Select[Any]:
    return readable_select("Attendance", ATTENDANCE, principal)


def readable_assessments(principal: Principal) -> Select[Any]:
    return readable_select("Assessment", ASSESSMENTS, principal)


def readable_certificates(principal: Principal) -> Select[Any]:
    return readable_select("Certificate", CERTIFICATES, principal, CERTIFICATE_FACTS)


def readable_placements(principal: Principal) -> Select[Any]:
    return readable_select("Placement", PLACEMENTS, principal)


def readable_follow_ups(principal: Principal) -> Select[Any]:
    return readable_select("FollowUp", FOLLOW_UPS, principal)
