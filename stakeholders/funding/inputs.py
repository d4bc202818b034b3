"""Funding's inputs and payloads: every field described, every money input keyed."""

from __future__ import annotations

import datetime as dt

import strawberry

from stakeholders.common.words import IDEMPOTENCY_KEY, VERSION
from stakeholders.delivery.enums import EmploymentStatus
from stakeholders.funding.enums import PayeeRule
from stakeholders.funding.types import Entitlement, FeeSchedule, PaymentBatch, ReimbursementClaim
from stakeholders.programmes.schema import MoneyInput

__all__ = [
    "ApproveClaimInput",
    "ApprovePaymentBatchInput",
    "BatchPayload",
    "ClaimPayload",
    "EntitlementPayload",
    "FeeSchedulePayload",
    "PaymentPayload",
    "PreparePaymentBatchInput",
    "PublishFeeScheduleInput",
    "RecordPaymentInput",
    "RejectClaimInput",
    "RejectPaymentBatchInput",
    "RejectedLineInput",
    "SetBudgetLineInput",
    "SetFundingRuleInput",
    "SubmitClaimInput",
    "VerifyClaimInput",
    "VoidEntitlementInput",
]


@strawberry.input(description="A programme's subsidy rule; replaces the one in force.")
class SetFundingRuleInput:
    programme_id: strawberry.ID = strawberry.field(description="Global ID of the programme.")
    evaluation_payee: PayeeRule = strawberry.field(
        description="Who an evaluation subsidy is paid to: the person, or the institution that "
        "advanced the fee."
    )
    idempotency_key: str = strawberry.field(description=IDEMPOTENCY_KEY)
    version: int | None = strawberry.field(
        default=None, description="Version of the rule it replaces; none for the first rule."
    )
    evaluation_audiences: list[EmploymentStatus] = strawberry.field(
        default_factory=list,
        description="Situations that earn an evaluation subsidy (Chongqing: FINAL_YEAR_STUDENT, "
        "EMPLOYEE); every one when empty.",
    )
    training_rate: MoneyInput | None = strawberry.field(
        default=None,
        description="Training subsidy per completed enrolment, in the programme's currency; "
        "none: no training subsidy.",
    )


@strawberry.input(description="A line of a programme's budget envelope, new or changed.")
class SetBudgetLineInput:
    programme_id: strawberry.ID = strawberry.field(description="Global ID of the programme.")
    code: str = strawberry.field(
        description="Code, unique in the programme: 1-40 upper-case letters, digits or inner "
        "hyphens, e.g. GEN-PROCUREMENT."
    )
    name: str = strawberry.field(description="What it funds; 1-300 characters.")
    amount: MoneyInput = strawberry.field(
        description="Its share, in the programme's currency; the lines together within the "
        "envelope, and never below what is approved on it."
    )
    idempotency_key: str = strawberry.field(description=IDEMPOTENCY_KEY)
    version: int | None = strawberry.field(
        default=None, description="Version of the line to change; none for a new line."
    )


@strawberry.input(description="An evaluation fee, published by the evaluation body.")
class PublishFeeScheduleInput:
    programme_id: strawberry.ID = strawberry.field(description="Global ID of the programme.")
    level: str = strawberry.field(
        description="Level, as certificates of the programme name it; 1-120 characters."
    )
    amount: MoneyInput = strawberry.field(description="The fee, in the programme's currency.")
    effective_from: dt.date = strawberry.field(
        description="First day of tests it applies to; earlier tests keep the fee then in force."
    )
    idempotency_key: str = strawberry.field(description=IDEMPOTENCY_KEY)
    track: str | None = strawberry.field(
        default=None, description="Code of the track it is for; none: every track."
    )


@strawberry.input(description="An institution's claim for the subsidies it advanced.")
class SubmitClaimInput:
    programme_id: strawberry.ID = strawberry.field(description="Global ID of the programme.")
    idempotency_key: str = strawberry.field(description=IDEMPOTENCY_KEY)
    entitlement_ids: list[strawberry.ID] = strawberry.field(
        default_factory=list,
        description="Global IDs of the ACCRUED entitlements claimed; or send upTo instead.",
    )
    up_to: dt.date | None = strawberry.field(
        default=None, description="Claim every ACCRUED entitlement that arose up to this day."
    )
    operator_code: str | None = strawberry.field(
        default=None,
        description="Code of the claiming institution, yours or one below it; defaults to "
        "your own.",
    )
    verifier_code: str | None = strawberry.field(
        default=None,
        description="With upTo: only the entitlements this bureau verifies (a claim goes to "
        "one bureau).",
    )


@strawberry.input(description="A line rejected at verification, and why.")
class RejectedLineInput:
    entitlement_id: strawberry.ID = strawberry.field(
        description="Global ID of the claimed entitlement."
    )
    reason: str = strawberry.field(description="Why it is rejected; 1-2,000 characters.")


@strawberry.input(description="The bureau's verification of a claim.")
class VerifyClaimInput:
    id: strawberry.ID = strawberry.field(description="Global ID of the claim.")
    version: int = strawberry.field(description=VERSION)
    idempotency_key: str = strawberry.field(description=IDEMPOTENCY_KEY)
    rejected: list[RejectedLineInput] = strawberry.field(
        default_factory=list, description="The lines rejected; every other line is accepted."
    )


@strawberry.input(description="An approval: what it approves comes first (see its subtypes).")
class _Approval:
    version: int = strawberry.field(description=VERSION)
    idempotency_key: str = strawberry.field(description=IDEMPOTENCY_KEY)
    budget_line_code: str | None = strawberry.field(
        default=None,
        description="Code of the budget line to charge it to; within that line as well as "
        "the envelope.",
    )


@strawberry.input(description="Approve a verified claim.")
class ApproveClaimInput(_Approval):
    id: strawberry.ID = strawberry.field(description="Global ID of the claim.")


@strawberry.input(description="A refusal: what it refuses comes first (see its subtypes).")
class _Refusal:
    version: int = strawberry.field(description=VERSION)
    reason: str = strawberry.field(description="Why; 1-2,000 characters.")
    idempotency_key: str = strawberry.field(description=IDEMPOTENCY_KEY)


@strawberry.input(description="Send a claim back whole.")
class RejectClaimInput(_Refusal):
    id: strawberry.ID = strawberry.field(description="Global ID of the claim.")


@strawberry.input(description="Evaluation subsidies owed to persons, put in a batch.")
class PreparePaymentBatchInput:
    programme_id: strawberry.ID = strawberry.field(description="Global ID of the programme.")
    idempotency_key: str = strawberry.field(description=IDEMPOTENCY_KEY)
    entitlement_ids: list[strawberry.ID] = strawberry.field(
        default_factory=list,
        description="Global IDs of ACCRUED entitlements paid to persons; or send upTo instead.",
    )
    up_to: dt.date | None = strawberry.field(
        default=None, description="Every ACCRUED one paid to a person that arose up to this day."
    )


@strawberry.input(description="Approve a prepared payment batch.")
class ApprovePaymentBatchInput(_Approval):
    id: strawberry.ID = strawberry.field(description="Global ID of the batch.")


@strawberry.input(description="Send a prepared payment batch back, with the reason.")
class RejectPaymentBatchInput(_Refusal):
    id: strawberry.ID = strawberry.field(description="Global ID of the batch.")


@strawberry.input(description="Cancel an entitlement granted in error, before it is claimed.")
class VoidEntitlementInput(_Refusal):
    id: strawberry.ID = strawberry.field(description="Global ID of the ACCRUED entitlement.")


@strawberry.type(description="The entitlement changed.")
class EntitlementPayload:
    entitlement: Entitlement = strawberry.field(description="The entitlement as now stored.")


@strawberry.input(description="The payer's transfer of an approved claim or batch.")
class RecordPaymentInput:
    id: strawberry.ID = strawberry.field(
        description="Global ID of the approved ReimbursementClaim or PaymentBatch."
    )
    version: int = strawberry.field(description=VERSION)
    reference: str = strawberry.field(description="The payer's reference; 1-120 characters.")
    paid: MoneyInput = strawberry.field(description="What was actually paid, in its currency.")
    idempotency_key: str = strawberry.field(description=IDEMPOTENCY_KEY)


@strawberry.type(description="The fee was published.")
class FeeSchedulePayload:
    fee_schedule: FeeSchedule = strawberry.field(description="The fee as published.")


@strawberry.type(description="The claim changed.")
class ClaimPayload:
    claim: ReimbursementClaim = strawberry.field(description="The claim as now stored.")


@strawberry.type(description="The payment batch changed.")
class BatchPayload:
    batch: PaymentBatch = strawberry.field(description="The batch as now stored.")


@strawberry.type(description="The payment was recorded.")
class PaymentPayload:
    claim: ReimbursementClaim | None = strawberry.field(description="The claim paid, if one.")
    batch: PaymentBatch | None = strawberry.field(description="The batch paid, if one.")
