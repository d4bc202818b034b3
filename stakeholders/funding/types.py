"""Funding's GraphQL types: published fees, entitlements, claims and payment batches."""

from __future__ import annotations

import datetime as dt
from typing import Any

import strawberry

from auth.policy import may
from stakeholders.common.enums import describe_enum
from stakeholders.common.relay import After, Connection, First, Node, to_global_id
from stakeholders.common.resolvers import Entity, Info, one, paged, register_node, to_one
from stakeholders.delivery.loaders import EnrollmentByIdLoader, TraineeByIdLoader
from stakeholders.delivery.types import Enrollment, Trainee
from stakeholders.funding import loaders as ld
from stakeholders.funding.enums import (
    BatchStatus,
    ClaimStatus,
    EntitlementKind,
    EntitlementStatus,
    LineStatus,
    PayeeRule,
    SubsidyOutcome,
)
from stakeholders.outcomes.loaders import CertificateByIdLoader
from stakeholders.outcomes.types import Certificate
from stakeholders.parties.loaders import PartyByIdLoader
from stakeholders.parties.types import Party
from stakeholders.programmes.loaders import ProgrammeByIdLoader
from stakeholders.programmes.types import Money, Programme

__all__ = [
    "BatchActions",
    "ClaimActions",
    "ClaimLine",
    "Entitlement",
    "FeeSchedule",
    "PaymentBatch",
    "ReimbursementClaim",
    "SubsidyDecision",
]

describe_enum(
    EntitlementKind,
    "What an entitlement pays for.",
    {
        "EVALUATION_SUBSIDY": "The published evaluation fee, for a first-time pass (Chongqing).",
        "TRAINING_SUBSIDY": "The programme's rate per completed enrolment, to the institution.",
    },
)
describe_enum(
    EntitlementStatus,
    "Where an entitlement stands, from accrual to payment.",
    {
        "ACCRUED": "Arisen from what the trainee achieved; not claimed yet.",
        "CLAIMED": "In an institution's reimbursement claim, awaiting verification.",
        "VERIFIED": "Checked by the bureau (or put in a payment batch).",
        "APPROVED": "Approved by the programme's owner; counts against the envelope.",
        "PAID": "Paid.",
        "REJECTED": "Refused at verification, with the reason.",
        "VOIDED": "Cancelled.",
    },
)
describe_enum(
    PayeeRule,
    "Who an entitlement is paid to.",
    {
        "PERSON": "The person who earned it.",
        "ADVANCING_INSTITUTION": "The institution that advanced the cost (pays in advance, is "
        "reimbursed later).",
    },
)
describe_enum(
    SubsidyOutcome,
    "Whether a certificate gave rise to a subsidy, and if not why.",
    {
        "GRANTED": "An entitlement arose.",
        "NOT_FIRST_ATTEMPT": "The pass was not the person's first test at this level.",
        "NOT_ELIGIBLE_AUDIENCE": "The holder is not of an audience the rule pays.",
        "NO_PUBLISHED_FEE": "No fee for the level was in force on the day of the test.",
        "NO_SUBSIDY_RULE": "The programme pays no subsidy of this kind.",
        "ALREADY_GRANTED": "The person has this level's subsidy already.",
    },
)
describe_enum(
    ClaimStatus,
    "Where a reimbursement claim stands.",
    {
        "SUBMITTED": "Sent by the institution; awaiting the bureau's verification.",
        "VERIFIED": "Verified line by line; awaiting the owner's decision.",
        "APPROVED": "Approved by the owner; awaiting payment.",
        "REJECTED": "Rejected, with the reason; its entitlements may be claimed again.",
        "PAID": "Paid.",
    },
)
describe_enum(
    LineStatus,
    "The bureau's verdict on one line of a claim.",
    {
        "PENDING": "Not verified yet.",
        "ACCEPTED": "Accepted.",
        "REJECTED": "Rejected, with the reason.",
    },
)
describe_enum(
    BatchStatus,
    "Where a payment batch stands.",
    {
        "PREPARED": "Put together; awaiting another person's approval.",
        "APPROVED": "Approved; awaiting payment.",
        "PAID": "Paid.",
        "REJECTED": "Sent back unapproved, with the reason; its entitlements accrued again.",
    },
)


@strawberry.federation.type(keys=["id"], description="An evaluation fee, published.")
class FeeSchedule(Node, Entity):
    track: str | None = strawberry.field(description="Track code it is for; null: every track.")
    level: str = strawberry.field(description="Level it is for, as certificates name it.")
    amount: Money = strawberry.field(description="The fee.")
    effective_from: dt.date = strawberry.field(
        description="First day of tests it applies to, until a later fee takes effect."
    )
    published_at: dt.datetime = strawberry.field(description="When it was published (UTC).")
    programme_id: strawberry.Private[int]
    publisher_party_id: strawberry.Private[int]

    @classmethod
    def from_row(cls, row: Any) -> FeeSchedule:
        return cls(
            id=to_global_id("FeeSchedule", row.id),
            track=row.track_code,
            level=row.level,
            amount=Money.of(row.amount_minor, row.currency),
            effective_from=row.effective_from,
            published_at=row.published_at,
            programme_id=row.programme_id,
            publisher_party_id=row.publisher_party_id,
        )

    programme = to_one(Programme, ProgrammeByIdLoader, "programme_id", "The programme.")
    publisher = to_one(Party, PartyByIdLoader, "publisher_party_id", "The evaluation body.")


@strawberry.federation.type(keys=["id"], description="Money a rule grants, accrual to payment.")
class Entitlement(Node, Entity):
    kind: EntitlementKind = strawberry.field(description="What it pays for.")
    status: EntitlementStatus = strawberry.field(description="Where it stands.")
    status_reason: str | None = strawberry.field(description="Why it was rejected, if it was.")
    level: str | None = strawberry.field(description="Level certified, for an evaluation one.")
    amount: Money = strawberry.field(description="How much; fixed when it arose.")
    rule: str = strawberry.field(description="The rule that granted it, in words.")
    payee_rule: PayeeRule = strawberry.field(description="Who it is paid to.")
    created_at: dt.datetime = strawberry.field(description="When it arose (UTC).")
    version: int = strawberry.field(description="Changes with every step.")
    programme_id: strawberry.Private[int]
    operator_party_id: strawberry.Private[int]
    verifier_party_id: strawberry.Private[int]
    trainee_pk: strawberry.Private[int]
    enrollment_pk: strawberry.Private[int]
    certificate_pk: strawberry.Private[int | None]
    payee_party_id: strawberry.Private[int | None]
    claim_pk: strawberry.Private[int | None]
    batch_pk: strawberry.Private[int | None]

    @classmethod
    def from_row(cls, row: Any) -> Entitlement:
        return cls(
            id=to_global_id("Entitlement", row.id),
            kind=EntitlementKind(row.kind),
            status=EntitlementStatus(row.status),
            status_reason=row.status_reason,
            level=row.level,
            amount=Money.of(row.amount_minor, row.currency),
            rule=row.rule,
            payee_rule=PayeeRule(row.payee_rule),
            created_at=row.created_at,
            version=row.version,
            programme_id=row.programme_id,
            operator_party_id=row.operator_party_id,
            verifier_party_id=row.verifier_party_id,
            trainee_pk=row.trainee_id,
            enrollment_pk=row.enrollment_id,
            certificate_pk=row.certificate_id,
            payee_party_id=row.payee_party_id,
            claim_pk=row.claim_id,
            batch_pk=row.batch_id,
        )

    programme = to_one(Programme, ProgrammeByIdLoader, "programme_id", "The programme.")
    beneficiary = to_one(
        Trainee, TraineeByIdLoader, "trainee_pk", "The person who earned it, if you may see them."
    )
    enrollment = to_one(Enrollment, EnrollmentByIdLoader, "enrollment_pk", "The enrolment.")
    certificate = to_one(
        Certificate, CertificateByIdLoader, "certificate_pk", "The certificate it arose from."
    )
    payee = to_one(
        Party, PartyByIdLoader, "payee_party_id", "The institution paid; null: the person."
    )

    @strawberry.field(description="The claim it is in, if any.")
    def claim(self, info: Info) -> ReimbursementClaim | None:
        return one(info, ld.ClaimByIdLoader, self.claim_pk, ReimbursementClaim.from_row)

    @strawberry.field(description="The payment batch it is in, if any.")
    def batch(self, info: Info) -> PaymentBatch | None:
        return one(info, ld.BatchByIdLoader, self.batch_pk, PaymentBatch.from_row)


@strawberry.type(description="Whether a certificate gave rise to a subsidy, and why.")
class SubsidyDecision:
    kind: EntitlementKind = strawberry.field(description="The subsidy considered.")
    outcome: SubsidyOutcome = strawberry.field(description="Granted, or why not.")
    reason: str = strawberry.field(description="The decision in words.")
    entitlement_pk: strawberry.Private[int | None]

    @classmethod
    def from_row(cls, row: Any) -> SubsidyDecision:
        return cls(
            kind=EntitlementKind(row.kind),
            outcome=SubsidyOutcome(row.outcome),
            reason=row.reason,
            entitlement_pk=row.entitlement_id,
        )

    entitlement = to_one(
        Entitlement, ld.EntitlementByIdLoader, "entitlement_pk", "The entitlement granted."
    )


@strawberry.type(description="One entitlement claimed, and the bureau's verdict on it.")
class ClaimLine:
    amount: Money = strawberry.field(description="Amount claimed.")
    status: LineStatus = strawberry.field(description="The verdict.")
    rejection_reason: str | None = strawberry.field(description="Why it was rejected.")
    id: strawberry.Private[int]
    entitlement_pk: strawberry.Private[int]

    @classmethod
    def of(cls, currency: str) -> Any:
        def convert(row: Any) -> ClaimLine:
            return cls(
                amount=Money.of(row.amount_minor, currency),
                status=LineStatus(row.status),
                rejection_reason=row.rejection_reason,
                id=row.id,
                entitlement_pk=row.entitlement_id,
            )

        return convert

    entitlement = to_one(
        Entitlement, ld.EntitlementByIdLoader, "entitlement_pk", "The entitlement claimed."
    )


@strawberry.type(description="What you may do to this claim now (to enable buttons).")
class ClaimActions:
    verify: bool = strawberry.field(description="verifyClaim")
    approve: bool = strawberry.field(description="approveClaim")
    reject: bool = strawberry.field(description="rejectClaim")
    record_payment: bool = strawberry.field(description="recordPayment")


@strawberry.type(description="What you may do to this batch now (to enable buttons).")
class BatchActions:
    approve: bool = strawberry.field(description="approvePaymentBatch")
    reject: bool = strawberry.field(description="rejectPaymentBatch")
    record_payment: bool = strawberry.field(description="recordPayment")


def _step_open(info: Info, action: str, target: Any, *earlier: str | None) -> bool:
    """The policy allows it and the caller did not take the step before (four eyes)."""
    principal = info.context.principal
    return may(principal, action, target) and principal.sub not in earlier


@strawberry.federation.type(
    keys=["id"], description="An institution's claim for the subsidies it advanced."
)
class ReimbursementClaim(Node, Entity):
    status: ClaimStatus = strawberry.field(description="Where it stands.")
    submitted_by: str = strawberry.field(description="Subject who submitted it.")
    submitted_at: dt.datetime = strawberry.field(description="When it was submitted (UTC).")
    verified_by: str | None = strawberry.field(description="Subject who verified it.")
    verified_at: dt.datetime | None = strawberry.field(description="When it was verified.")
    decided_by: str | None = strawberry.field(description="Subject who approved or rejected it.")
    decided_at: dt.datetime | None = strawberry.field(description="When it was decided.")
    decision_reason: str | None = strawberry.field(description="Why it was rejected.")
    paid_reference: str | None = strawberry.field(description="The payer's transfer reference.")
    paid: Money | None = strawberry.field(description="What was actually paid.")
    paid_at: dt.datetime | None = strawberry.field(description="When the payment was recorded.")
    version: int = strawberry.field(description="Changes with every step; send it back.")
    programme_id: strawberry.Private[int]
    operator_party_id: strawberry.Private[int]
    verifier_party_id: strawberry.Private[int]
    claim_id: strawberry.Private[int]
    currency: strawberry.Private[str]

    @classmethod
    def from_row(cls, row: Any) -> ReimbursementClaim:
        paid = row.paid_minor
        return cls(
            id=to_global_id("ReimbursementClaim", row.id),
            status=ClaimStatus(row.status),
            submitted_by=row.submitted_by,
            submitted_at=row.submitted_at,
            verified_by=row.verified_by,
            verified_at=row.verified_at,
            decided_by=row.decided_by,
            decided_at=row.decided_at,
            decision_reason=row.decision_reason,
            paid_reference=row.paid_reference,
            paid=Money.of(paid, row.currency) if paid is not None else None,
            paid_at=row.paid_at,
            version=row.version,
            programme_id=row.programme_id,
            operator_party_id=row.operator_party_id,
            verifier_party_id=row.verifier_party_id,
            claim_id=row.id,
            currency=row.currency,
        )

    programme = to_one(Programme, ProgrammeByIdLoader, "programme_id", "The programme.")
    operator = to_one(Party, PartyByIdLoader, "operator_party_id", "The claiming institution.")
    verifier = to_one(Party, PartyByIdLoader, "verifier_party_id", "The bureau verifying it.")

    @strawberry.field(description="Sum of its lines.")
    async def total(self, info: Info) -> Money:
        sums = await info.context.loaders.get(ld.ClaimTotalsLoader).load(self.claim_id)
        return Money.of(sums.total if sums else 0, self.currency)

    @strawberry.field(description="Sum of its lines accepted at verification.")
    async def accepted(self, info: Info) -> Money:
        sums = await info.context.loaders.get(ld.ClaimTotalsLoader).load(self.claim_id)
        return Money.of(sums.accepted if sums else 0, self.currency)

    @strawberry.field(description="Its lines, in the order claimed.")
    async def lines(
        self, info: Info, first: First = None, after: After = None
    ) -> Connection[ClaimLine]:
        convert = ClaimLine.of(self.currency)
        return await paged(info, ld.LinesByClaimLoader, self.claim_id, convert, first, after)

    @strawberry.field(description="What the policy lets you do to it now.")
    def viewer_can(self, info: Info) -> ClaimActions:
        status = self.status
        deciders = (self.verified_by, self.submitted_by)
        return ClaimActions(
            verify=status is ClaimStatus.SUBMITTED
            and _step_open(info, "verifyClaim", self, self.submitted_by),
            approve=status is ClaimStatus.VERIFIED
            and _step_open(info, "approveClaim", self, *deciders),
            reject=status in (ClaimStatus.SUBMITTED, ClaimStatus.VERIFIED)
            and _step_open(info, "rejectClaim", self, *deciders),
            record_payment=status is ClaimStatus.APPROVED
            and _step_open(info, "recordPayment", self, self.decided_by),
        )


@strawberry.federation.type(keys=["id"], description="Subsidies owed to persons, paid together.")
class PaymentBatch(Node, Entity):
    status: BatchStatus = strawberry.field(description="Where it stands.")
    prepared_by: str = strawberry.field(description="Subject who prepared it.")
    prepared_at: dt.datetime = strawberry.field(description="When it was prepared (UTC).")
    approved_by: str | None = strawberry.field(description="Subject who approved it.")
    approved_at: dt.datetime | None = strawberry.field(description="When it was approved.")
    rejected_by: str | None = strawberry.field(description="Subject who sent it back.")
    rejection_reason: str | None = strawberry.field(description="Why it was sent back.")
    paid_reference: str | None = strawberry.field(description="The payer's transfer reference.")
    paid: Money | None = strawberry.field(description="What was actually paid.")
    paid_at: dt.datetime | None = strawberry.field(description="When the payment was recorded.")
    version: int = strawberry.field(description="Changes with every step; send it back.")
    programme_id: strawberry.Private[int]
    payer_party_id: strawberry.Private[int]
    batch_id: strawberry.Private[int]
    currency: strawberry.Private[str]

    @classmethod
    def from_row(cls, row: Any) -> PaymentBatch:
        paid = row.paid_minor
        return cls(
            id=to_global_id("PaymentBatch", row.id),
            status=BatchStatus(row.status),
            prepared_by=row.prepared_by,
            prepared_at=row.prepared_at,
            approved_by=row.approved_by,
            approved_at=row.approved_at,
            rejected_by=row.rejected_by,
            rejection_reason=row.rejection_reason,
            paid_reference=row.paid_reference,
            paid=Money.of(paid, row.currency) if paid is not None else None,
            paid_at=row.paid_at,
            version=row.version,
            programme_id=row.programme_id,
            payer_party_id=row.payer_party_id,
            batch_id=row.id,
            currency=row.currency,
        )

    programme = to_one(Programme, ProgrammeByIdLoader, "programme_id", "The programme.")
    payer = to_one(Party, PartyByIdLoader, "payer_party_id", "The party paying it.")

    @strawberry.field(description="Sum of its entitlements.")
    async def total(self, info: Info) -> Money:
        total = await info.context.loaders.get(ld.BatchTotalsLoader).load(self.batch_id)
        return Money.of(total.total if total else 0, self.currency)

    @strawberry.field(description="The entitlements it pays.")
    async def entitlements(
        self, info: Info, first: First = None, after: After = None
    ) -> Connection[Entitlement]:
        return await paged(
            info, ld.EntitlementsByBatchLoader, self.batch_id, Entitlement.from_row, first, after
        )

    @strawberry.field(description="What the policy lets you do to it now.")
    def viewer_can(self, info: Info) -> BatchActions:
        status = self.status
        return BatchActions(
            approve=status is BatchStatus.PREPARED
            and _step_open(info, "approvePaymentBatch", self, self.prepared_by),
            reject=status is BatchStatus.PREPARED
            and _step_open(info, "rejectPaymentBatch", self, self.prepared_by),
            record_payment=status is BatchStatus.APPROVED
            and _step_open(info, "recordPayment", self, self.approved_by),
        )


register_node("FeeSchedule", ld.FeeScheduleByIdLoader, FeeSchedule.from_row)
register_node("Entitlement", ld.EntitlementByIdLoader, Entitlement.from_row)
register_node("ReimbursementClaim", ld.ClaimByIdLoader, ReimbursementClaim.from_row)
register_node("PaymentBatch", ld.BatchByIdLoader, PaymentBatch.from_row)
