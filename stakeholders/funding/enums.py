"""States and kinds of funding, as GraphQL shows them (UPPER_SNAKE_CASE)."""

from __future__ import annotations

import enum

__all__ = [
    "BatchStatus",
    "ClaimStatus",
    "DisbursementStatus",
    "EntitlementKind",
    "EntitlementStatus",
    "LineStatus",
    "PayeeRule",
    "SubsidyOutcome",
]


class EntitlementKind(enum.StrEnum):
    # Chongqing: the published evaluation fee, for a first-time pass, without application.
    EVALUATION_SUBSIDY = "EVALUATION_SUBSIDY"
    # The programme's rate per completed enrolment, to the institution that advanced it.
    TRAINING_SUBSIDY = "TRAINING_SUBSIDY"


class EntitlementStatus(enum.StrEnum):
    ACCRUED = "ACCRUED"
    CLAIMED = "CLAIMED"
    VERIFIED = "VERIFIED"
    APPROVED = "APPROVED"
    PAID = "PAID"
    REJECTED = "REJECTED"
    VOIDED = "VOIDED"


class PayeeRule(enum.StrEnum):
    PERSON = "PERSON"
    ADVANCING_INSTITUTION = "ADVANCING_INSTITUTION"


class SubsidyOutcome(enum.StrEnum):
    GRANTED = "GRANTED"
    NOT_FIRST_ATTEMPT = "NOT_FIRST_ATTEMPT"
    NOT_ELIGIBLE_AUDIENCE = "NOT_ELIGIBLE_AUDIENCE"
    NO_PUBLISHED_FEE = "NO_PUBLISHED_FEE"
    NO_SUBSIDY_RULE = "NO_SUBSIDY_RULE"
    ALREADY_GRANTED = "ALREADY_GRANTED"


class ClaimStatus(enum.StrEnum):
    SUBMITTED = "SUBMITTED"
    VERIFIED = "VERIFIED"
    APPROVED = "APPROVED"
    REJECTED = "REJECTED"
    PAID = "PAID"


class LineStatus(enum.StrEnum):
    PENDING = "PENDING"
    ACCEPTED = "ACCEPTED"
    REJECTED = "REJECTED"


class BatchStatus(enum.StrEnum):
    PREPARED = "PREPARED"
    APPROVED = "APPROVED"
    PAID = "PAID"
    REJECTED = "REJECTED"


class DisbursementStatus(enum.StrEnum):
    RECORDED = "RECORDED"
    ACKNOWLEDGED = "ACKNOWLEDGED"
