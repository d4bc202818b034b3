"""Reading delivery rows: each type's readable select, derived facts computed in SQL."""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, Select, exists, or_, select

from auth.principal import Principal
from auth.roles import Role
from stakeholders.common.access import DerivedFact, readable_select
from stakeholders.db import table_of
from stakeholders.delivery.models import Cohort, Enrollment, Trainee, TraineeContact

__all__ = [
    "COHORTS",
    "CONTACTS",
    "ENROLLMENTS",
    "ENROLLMENT_FACTS",
    "TRAINEES",
    "TRAINEE_FACTS",
    "readable_cohorts",
    "readable_contacts",
    "readable_enrollments",
    "readable_trainees",
]

COHORTS = table_of(Cohort)
TRAINEES = table_of(Trainee)
ENROLLMENTS = table_of(Enrollment)
CONTACTS = table_of(TraineeContact)
# The district of residence checks eligibility for any programme: it reads the latest contact
# the person gave, whoever was given it.
ANY_CONTACT_ROLES = frozenset({Role.DISTRICT_OFFICER})


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
    "via_coordinator": _enrolled_where("programme_id"),
    "via_evaluator": _enrolled_where("programme_id"),
    "via_supervised": _enrolled_where("programme_id"),
}
# Later areas add the facts they know (outcomes: a sponsor hired the person).
ENROLLMENT_FACTS: dict[str, DerivedFact] = {"via_resident": _resident}


def readable_cohorts(principal: Principal) -> Select[Any]:
    return readable_select("Cohort", COHORTS, principal)


def readable_trainees(principal: Principal) -> Select[Any]:
    return readable_select("Trainee", TRAINEES, principal, TRAINEE_FACTS)


def readable_enrollments(principal: Principal) -> Select[Any]:
    return readable_select("Enrollment", ENROLLMENTS, principal, ENROLLMENT_FACTS)


def readable_contacts(principal: Principal) -> Select[Any]:
    """Contacts kept by the caller's own parties, plus those a caller who was given none may
    read: any, for the district of residence; for auditors, those given to the operators of
    the programmes they supervise.

    Only read behind Trainee.email/phone, whose field rule has decided the person is the
    caller's to contact: this select decides whose contact they read."""
    if principal.has_any_role(ANY_CONTACT_ROLES):
        return select(CONTACTS)
    own = CONTACTS.c.party_id.in_(sorted(principal.subtree))
    if not principal.has_any_role(frozenset({Role.AUDITOR})):
        return select(CONTACTS).where(own)
    supervised = exists().where(
        ENROLLMENTS.c.trainee_id == CONTACTS.c.trainee_id,
        ENROLLMENTS.c.operator_party_id == CONTACTS.c.party_id,
        ENROLLMENTS.c.programme_id.in_(sorted(principal.supervised_programmes)),
    )
    return select(CONTACTS).where(or_(own, supervised))
