"""Rules of outcomes: attendance, assessments, certificates, placements, follow-ups."""

from __future__ import annotations

from auth.relations import (
    AUTHOR,
    EMPLOYER,
    EVALUATOR,
    ISSUER,
    PARTICIPANT,
    Grant,
    MutationRule,
    TypeRule,
)
from auth.rules.common import (
    AUDITING,
    EVALUATORS,
    SPONSORS,
    STAFF,
    action,
    row_fields,
)
from auth.rules.delivery import (
    COORDINATING,
    EVALUATING,
    HIRING,
    HOSTING,
    OWNING,
    TRAINING,
)

__all__ = ["OUTCOME_MUTATIONS", "OUTCOME_TYPES", "OUTCOME_VALUE_TYPES"]

# Who may write a follow-up (see recordFollowUp: sponsors, owners' coordinators, any staff of
# a coordinating party, trainers), hence who may have authored one.
FOLLOW_UP_AUTHORS = STAFF
# Who records a test and issues its certificate.
EXAMINING = (TRAINING, HOSTING, EVALUATING)

OUTCOME_TYPES: dict[str, TypeRule] = {
    "Attendance": TypeRule(
        rows=(TRAINING, HOSTING, OWNING, COORDINATING, AUDITING),
        fields=row_fields("id enrollment day present recordedAt"),
    ),
    "Assessment": TypeRule(
        rows=(*EXAMINING, OWNING, COORDINATING, Grant(EVALUATORS, EVALUATOR), AUDITING),
        fields=row_fields(
            "id enrollment evaluator takenOn attempt score passMark passed recordedAt"
        ),
    ),
    "Certificate": TypeRule(
        rows=(*EXAMINING, OWNING, COORDINATING, Grant(EVALUATORS, ISSUER), HIRING, AUDITING),
        fields=row_fields("id number programme enrollment trainee issuer level issuedOn"),
    ),
    "Placement": TypeRule(
        rows=(Grant(SPONSORS, EMPLOYER), TRAINING, OWNING, COORDINATING, AUDITING),
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
            COORDINATING,
            AUDITING,
        ),
        fields={
            **row_fields("id enrollment kind observedOn employed author employer createdAt"),
            "note": (Grant(FOLLOW_UP_AUTHORS, AUTHOR), OWNING, AUDITING),
        },
    ),
}

OUTCOME_VALUE_TYPES: frozenset[str] = frozenset()

OUTCOME_MUTATIONS: dict[str, MutationRule] = {
    "recordAttendance": action((TRAINING,), "the cohort", "Attendance", "enrollment day present"),
    "recordAssessment": action(
        EXAMINING,
        "the enrolment",
        "Assessment",
        "enrollment evaluator takenOn attempt score passMark passed",
    ),
    "issueCertificate": action(
        EXAMINING, "the enrolment", "Certificate", "number enrollment issuer level issuedOn"
    ),
    "recordPlacement": action(
        (Grant(SPONSORS, PARTICIPANT),),
        "the certificate's programme",
        "Placement",
        "enrollment employer certificate jobTitle contractKind startsOn",
    ),
    "recordFollowUp": action(
        (HIRING, OWNING, COORDINATING, TRAINING),
        "the enrolment",
        "FollowUp",
        "enrollment kind observedOn employed note",
    ),
}
