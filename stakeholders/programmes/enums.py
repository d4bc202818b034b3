"""The states and kinds of the coordination core, as GraphQL shows them (UPPER_SNAKE_CASE)."""

from __future__ import annotations

import enum

__all__ = [
    "AgreementKind",
    "EligibilityCombination",
    "EscalationStatus",
    "ParticipantRole",
    "ProgrammeStatus",
    "ResponsibilityStatus",
    "TargetMetric",
]


class ProgrammeStatus(enum.StrEnum):
    DRAFT = "DRAFT"
    ACTIVE = "ACTIVE"
    CLOSED = "CLOSED"


class EligibilityCombination(enum.StrEnum):
    ALL_OF = "ALL_OF"
    ANY_OF = "ANY_OF"


class ParticipantRole(enum.StrEnum):
    OWNER = "OWNER"
    COORDINATOR = "COORDINATOR"
    SUPERVISOR = "SUPERVISOR"
    CONTENT_DESIGNER = "CONTENT_DESIGNER"
    DISTRICT = "DISTRICT"
    HOST = "HOST"
    OPERATOR = "OPERATOR"
    EVALUATOR = "EVALUATOR"
    FUNDER = "FUNDER"
    EMPLOYER = "EMPLOYER"


class AgreementKind(enum.StrEnum):
    CONVENTION = "CONVENTION"
    PROCUREMENT = "PROCUREMENT"
    GRANT = "GRANT"


class ResponsibilityStatus(enum.StrEnum):
    PLANNED = "PLANNED"
    IN_PROGRESS = "IN_PROGRESS"
    DONE = "DONE"
    BLOCKED = "BLOCKED"
    CANCELLED = "CANCELLED"


class EscalationStatus(enum.StrEnum):
    OPEN = "OPEN"
    ACKNOWLEDGED = "ACKNOWLEDGED"
    RESOLVED = "RESOLVED"


class TargetMetric(enum.StrEnum):
    PARTICIPANTS = "PARTICIPANTS"
    CLASSES = "CLASSES"
    TRAINED = "TRAINED"
    CERTIFIED = "CERTIFIED"
    PLACED = "PLACED"
    LABELLED_TRAININGS = "LABELLED_TRAININGS"
