"""Rules of delivery and outcomes: cohorts, trainees and what becomes of them.

Personal data of trainees is read by the operator training the person, the district where
they live (it checks eligibility) and auditors. The host university, the programme's owner and
a sponsor that hired the person see who they are (name, situation), never how to identify or
reach them.
"""

from __future__ import annotations

from auth.relations import (
    AUTHOR,
    EMPLOYER,
    ENROLLED_RESIDENT,
    EVALUATOR,
    HIRED,
    HOST,
    ISSUER,
    OPERATOR,
    OWN_PARTY,
    PARTICIPANT,
    PROGRAMME_OWNER,
    RESIDENT,
    TRAINEE_HOST,
    TRAINEE_OPERATOR,
    TRAINEE_PROGRAMME_OWNER,
    Grant,
    MutationRule,
    TypeRule,
)
from auth.roles import Role
from auth.rules.common import (
    AUDIT_ALL,
    COORDINATOR,
    SPONSORS,
    TRAINERS,
    action,
    anyone,
    row_fields,
)

__all__ = ["DELIVERY_MUTATIONS", "DELIVERY_TYPES", "DELIVERY_VALUE_TYPES"]

DISTRICT = frozenset({Role.DISTRICT_OFFICER})
# Who may write a follow-up (see recordFollowUp), hence who may have authored one.
FOLLOW_UP_AUTHORS = SPONSORS | COORDINATOR | TRAINERS

# Each relation is granted to the roles of the party kinds that can hold it, so that a
# role never carries a grant it could not use (the access test checks both sides of each).
TRAINING = Grant(TRAINERS, OPERATOR)
HOSTING = Grant(TRAINERS, HOST)
OWNING = Grant(COORDINATOR, PROGRAMME_OWNER)
HIRING = Grant(SPONSORS, HIRED)
PERSONAL_DATA = (Grant(TRAINERS, TRAINEE_OPERATOR), Grant(DISTRICT, RESIDENT), AUDIT_ALL)
# Who follows the training itself: attendance, scores, reasons for a drop.
TRAINING_RECORD = (TRAINING, HOSTING, OWNING, Grant(DISTRICT, ENROLLED_RESIDENT), AUDIT_ALL)

DELIVERY_TYPES: dict[str, TypeRule] = {
    "Cohort": TypeRule(
        rows=(*anyone(PARTICIPANT), AUDIT_ALL),
        fields=row_fields(
            "id code programme operator host district mode modules startsOn endsOn capacity "
            "status version enrollments attendanceDays viewerCan"
        ),
    ),
    "Trainee": TypeRule(
        rows=(
            Grant(TRAINERS, TRAINEE_OPERATOR),
            Grant(TRAINERS, TRAINEE_HOST),
            Grant(COORDINATOR, TRAINEE_PROGRAMME_OWNER),
            Grant(DISTRICT, RESIDENT),
            HIRING,
            AUDIT_ALL,
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
    # how the person attended or scored.
    "Enrollment": TypeRule(
        rows=(*TRAINING_RECORD, HIRING),
        fields={
            **row_fields(
                "id trainee cohort status decidedAt createdAt version certificate placement "
                "followUps viewerCan"
            ),
            **dict.fromkeys(
                ["failedRule", "reason", "attendance", "attendanceRate", "assessments"],
                TRAINING_RECORD,
            ),
        },
    ),
    "Attendance": TypeRule(
        rows=(TRAINING, HOSTING, OWNING, AUDIT_ALL),
        fields=row_fields("id enrollment day present recordedAt"),
    ),
    "Assessment": TypeRule(
        rows=(TRAINING, HOSTING, OWNING, Grant(TRAINERS, EVALUATOR), AUDIT_ALL),
        fields=row_fields(
            "id enrollment evaluator takenOn attempt score passMark passed recordedAt"
        ),
    ),
    "Certificate": TypeRule(
        rows=(TRAINING, HOSTING, OWNING, Grant(TRAINERS, ISSUER), HIRING, AUDIT_ALL),
        fields=row_fields("id number programme enrollment trainee issuer level issuedOn"),
    ),
    "Placement": TypeRule(
        rows=(Grant(SPONSORS, EMPLOYER), TRAINING, OWNING, AUDIT_ALL),
        fields=row_fields(
            "id enrollment trainee employer certificate jobTitle contractKind startsOn "
            "createdAt version"
        ),
    ),
    # A performance note about a civil servant stays with its author and the programme.
    "FollowUp": TypeRule(
        rows=(
            Grant(FOLLOW_UP_AUTHORS, AUTHOR),
            Grant(SPONSORS, EMPLOYER),
            TRAINING,
            OWNING,
            AUDIT_ALL,
        ),
        fields={
            **row_fields("id enrollment kind observedOn employed author employer createdAt"),
            "note": (Grant(FOLLOW_UP_AUTHORS, AUTHOR), OWNING, AUDIT_ALL),
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
        "code programme operator host district mode modules startsOn endsOn capacity status",
    ),
    "enrollTrainees": action((TRAINING,), "the cohort", "Enrollment", "trainee cohort status"),
    "recordEligibility": action(
        (Grant(DISTRICT, ENROLLED_RESIDENT),),
        "the enrolment",
        "Enrollment",
        "status failedRule reason decidedAt",
    ),
    "updateEnrollmentStatus": action((TRAINING,), "the enrolment", "Enrollment", "status reason"),
    "recordAttendance": action((TRAINING,), "the cohort", "Attendance", "enrollment day present"),
    "recordAssessment": action(
        (TRAINING, HOSTING),
        "the enrolment",
        "Assessment",
        "enrollment evaluator takenOn attempt score passMark passed",
    ),
    "issueCertificate": action(
        (TRAINING, HOSTING),
        "the enrolment",
        "Certificate",
        "number enrollment issuer level issuedOn",
    ),
    "recordPlacement": action(
        (Grant(SPONSORS, PARTICIPANT),),
        "the certificate's programme",
        "Placement",
        "enrollment employer certificate jobTitle contractKind startsOn",
    ),
    "recordFollowUp": action(
        (HIRING, OWNING, TRAINING),
        "the enrolment",
        "FollowUp",
        "enrollment kind observedOn employed note",
    ),
}
