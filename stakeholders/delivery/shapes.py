"""Where the fields of cohorts, trainees and enrolments live, for the compiled read path
(stakeholders.common.shapes)."""

from __future__ import annotations

from stakeholders.common.shapes import (
    Column,
    Filter,
    GlobalId,
    Paged,
    RootList,
    Shape,
    ToOne,
    declare,
    declare_root,
    extend,
)
from stakeholders.delivery.repository import (
    COHORTS,
    ENROLLMENTS,
    TRAINEES,
    readable_cohorts,
    readable_enrollments,
    readable_trainees,
)
from stakeholders.programmes.shapes import PROGRAMME

__all__ = ["COHORT", "ENROLLMENT", "TRAINEE"]

COHORT = declare(
    Shape(
        "Cohort",
        COHORTS,
        readable_cohorts,
        {
            "id": GlobalId(),
            "code": Column("code"),
            "mode": Column("mode"),
            "modules": Column("modules", "json"),
            "startsOn": Column("starts_on"),
            "endsOn": Column("ends_on"),
            "capacity": Column("capacity"),
            "plannedSessionDays": Column("planned_session_days"),
            "status": Column("status"),
            "version": Column("version"),
            "programme": ToOne("Programme", "programme_id"),
            "operator": ToOne("Party", "operator_party_id"),
            "host": ToOne("Party", "host_party_id"),
            "district": ToOne("Party", "district_party_id"),
            "enrollments": Paged("Enrollment", "cohort_id", {"status": Filter("status")}),
        },
    )
)

TRAINEE = declare(
    Shape(
        "Trainee",
        TRAINEES,
        readable_trainees,
        {
            "id": GlobalId(),
            "fullName": Column("full_name"),
            "country": Column("country"),
            "gender": Column("gender"),
            "educationLevel": Column("education_level"),
            "employmentStatus": Column("employment_status"),
            "priorityFlags": Column("priority_flags", "json"),
            "version": Column("version"),
            "nationalId": Column("national_id"),
            "birthDate": Column("birth_date"),
            "employer": Column("employer_name"),
            "residenceDistrict": ToOne("Party", "residence_district_id"),
            "enrollments": Paged("Enrollment", "trainee_id"),
        },
    )
)

ENROLLMENT = declare(
    Shape(
        "Enrollment",
        ENROLLMENTS,
        readable_enrollments,
        {
            "id": GlobalId(),
            "status": Column("status"),
            "failedRule": Column("failed_rule"),
            "reason": Column("reason"),
            "version": Column("version"),
            "trainee": ToOne("Trainee", "trainee_id"),
            "cohort": ToOne("Cohort", "cohort_id"),
        },
    )
)

# Delivery adds the programme's cohorts (stakeholders.delivery.types.programme_cohorts).
extend(PROGRAMME.type_name, {"cohorts": Paged("Cohort", "programme_id")})

declare_root(RootList("cohorts", "Cohort"))
declare_root(RootList("trainees", "Trainee"))
