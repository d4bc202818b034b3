"""Rules of delivery: cohorts, trainees, enrolments.

Personal data of trainees is read by the operator training the person, the district where
they live (it checks eligibility) and the auditors supervising the programme. The host
university, the programme's owner and coordinators, an evaluation body and a sponsor that hired
the person see who they are (name, situation), never how to identify or reach them.
"""

from __future__ import annotations

from auth.relations import (
    ENROLLED_RESIDENT,
    HIRED,
    HOST,
    OPERATOR,
    OWN_PARTY,
    PARTICIPANT,
    PROGRAMME_COORDINATOR,
    PROGRAMME_EVALUATOR,
    PROGRAMME_OWNER,
    RESIDENT,
    TRAINEE_COORDINATOR,
    TRAINEE_EVALUATOR,
    TRAINEE_HOST,
    TRAINEE_OPERATOR,
    TRAINEE_PROGRAMME_OWNER,
    TRAINEE_SUPERVISED,
    Grant,
    MutationRule,
    TypeRule,
)
from auth.roles import Role
from auth.rules.common import (
    AUDITING,
    AUDITOR,
    COORDINATOR,
    EVALUATORS,
    SPONSORS,
    STAFF,
    TRAINERS,
    action,
    anyone,
    row_fields,
)

__all__ = [
    "COORDINATING",
    "DELIVERY_MUTATIONS",
    "DELIVERY_TYPES",
    "DELIVERY_VALUE_TYPES",
    "DISTRICT",
    "EVALUATING",
    "HIRING",
    "HOSTING",
    "OWNING",
    "TRAINING",
    "TRAINING_RECORD",
]

DISTRICT = frozenset({Role.DISTRICT_OFFICER})

# Each relation is granted to the roles of the party kinds that can hold it, so that a
# role never carries a grant it could not use (the access test checks both sides of each).
TRAINING = Grant(TRAINERS, OPERATOR)
HOSTING = Grant(TRAINERS, HOST)
OWNING = Grant(COORDINATOR, PROGRAMME_OWNER)
# A party monitoring the programme for its owner (Binh Dinh's Department of Home Affairs).
COORDINATING = Grant(STAFF, PROGRAMME_COORDINATOR)
# An evaluation body runs the tests of the programme and issues its certificates.
EVALUATING = Grant(EVALUATORS, PROGRAMME_EVALUATOR)
HIRING = Grant(SPONSORS, HIRED)
PERSONAL_DATA = (
    Grant(TRAINERS, TRAINEE_OPERATOR),
    Grant(DISTRICT, RESIDENT),
    Grant(AUDITOR, TRAINEE_SUPERVISED),
)
# Who follows the training itself: attendance, scores, reasons for a drop.
TRAINING_RECORD = (
    TRAINING,
    HOSTING,
    OWNING,
    COORDINATING,
    Grant(DISTRICT, ENROLLED_RESIDENT),
    AUDITING,
)

DELIVERY_TYPES: dict[str, TypeRule] = {
    "Cohort": TypeRule(
        rows=(*anyone(PARTICIPANT), AUDITING),
        fields=row_fields(
            "id code programme operator host district mode modules startsOn endsOn capacity "
            "plannedSessionDays status version enrollments attendanceDays viewerCan"
        ),
    ),
    "Trainee": TypeRule(
        rows=(
            Grant(TRAINERS, TRAINEE_OPERATOR),
            Grant(TRAINERS, TRAINEE_HOST),
            Grant(COORDINATOR, TRAINEE_PROGRAMME_OWNER),
            Grant(STAFF, TRAINEE_COORDINATOR),
            Grant(EVALUATORS, TRAINEE_EVALUATOR),
            Grant(DISTRICT, RESIDENT),
            HIRING,
            Grant(AUDITOR, TRAINEE_SUPERVISED),
        ),
        fields={
            **row_fields(
                "id fullName country gender educationLevel employmentStatus priorityFlags "
                "residenceDistrict enrollments version"
            ),
            **dict.fromkeys(
                ["nationalId", "birthDate", "email", "phone", "employer"], PERSONAL_DATA
            ),
        },
    ),
    # A sponsor sees the enrolment of a person it hired (which cohort, completed or not), not
    # how the person attended or scored; an evaluation body the candidates it tests.
    "Enrollment": TypeRule(
        rows=(*TRAINING_RECORD, EVALUATING, HIRING),
        fields={
            **row_fields(
                "id trainee cohort status decidedAt createdAt version certificate placement "
                "followUps viewerCan"
            ),
            **dict.fromkeys(
                ["failedRule", "reason", "attendance", "attendanceRate"], TRAINING_RECORD
            ),
            "assessments": (*TRAINING_RECORD, EVALUATING),
        },
    ),
}

DELIVERY_VALUE_TYPES = frozenset(
    {"CohortActions", "EnrollmentActions", "EnrollmentResult", "AttendanceDay"}
)

DELIVERY_MUTATIONS: dict[str, MutationRule] = {
    "createCohort": action(
        (Grant(TRAINERS, OWN_PARTY),),
        "the operator party",
        "Cohort",
        "code programme operator host district mode modules startsOn endsOn capacity "
        "plannedSessionDays status",
    ),
    "updateCohortStatus": action((TRAINING,), "the cohort", "Cohort", "status"),
    "enrollTrainees": action((TRAINING,), "the cohort", "Enrollment", "trainee cohort status"),
    "recordEligibility": action(
        (Grant(DISTRICT, ENROLLED_RESIDENT),),
        "the enrolment",
        "Enrollment",
        "status failedRule reason decidedAt",
    ),
    "updateEnrollmentStatus": action((TRAINING,), "the enrolment", "Enrollment", "status reason"),
}
