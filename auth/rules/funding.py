"""Rules of funding: fee schedules, entitlements, claims, payment batches.

Published fees are public. An entitlement names a person and an amount: it is read by the
institution that trained the person (and advanced the fee), the bureau that verifies it, the
programme's owner and the auditors supervising it, nobody else. A claim is its institution's,
its verifier's, its owner's and its auditors'. Money moves only by the owner's coordinators,
each step by another person than the one before it (funding's service checks who).
"""

from __future__ import annotations

from auth.relations import (
    ANY_ROW,
    OWN_PARTY,
    PARTICIPANT,
    SAME_AS_ROW,
    SPONSOR,
    VERIFIER,
    VERIFYING_BUREAU,
    FieldRule,
    Grant,
    MutationRule,
    TypeRule,
)
from auth.roles import Role
from auth.rules.common import (
    AUDITING,
    COORDINATOR,
    SPONSORS,
    TRAINERS,
    action,
    anyone,
    row_fields,
)
from auth.rules.delivery import EVALUATING, OWNING, TRAINING

__all__ = ["FUNDING_FIELDS", "FUNDING_MUTATIONS", "FUNDING_TYPES", "FUNDING_VALUE_TYPES"]

# A sponsor reads its own money only (a bank does not read CDG's commitment).
SPONSORING = Grant(SPONSORS, SPONSOR)
# The district bureau of the cohorts verifies; a claim of cohorts with no district, the
# owner's bureau itself (never a ministry in its district's stead).
VERIFYING = (
    Grant(frozenset({Role.DISTRICT_OFFICER}), VERIFIER),
    Grant(COORDINATOR, VERIFYING_BUREAU),
)
# Who earned a subsidy, and how much, is read where the entitlement is; a certificate's other
# readers (its host, an employer, an evaluation body) do not learn it from the decision.
SUBSIDY_READERS = (TRAINING, OWNING, AUDITING)

FUNDING_TYPES: dict[str, TypeRule] = {
    "FeeSchedule": TypeRule(
        rows=anyone(ANY_ROW),
        fields=row_fields("id programme publisher track level amount effectiveFrom publishedAt"),
    ),
    "Entitlement": TypeRule(
        rows=(TRAINING, *VERIFYING, OWNING, AUDITING),
        fields=row_fields(
            "id programme kind status statusReason beneficiary enrollment certificate level "
            "amount rule payeeRule payee claim batch createdAt version"
        ),
    ),
    "ReimbursementClaim": TypeRule(
        rows=(TRAINING, *VERIFYING, OWNING, AUDITING),
        fields=row_fields(
            "id programme operator verifier status total accepted lines submittedBy submittedAt "
            "verifiedBy verifiedAt decidedBy decidedAt decisionReason paidReference paid paidAt "
            "version viewerCan"
        ),
    ),
    "PaymentBatch": TypeRule(
        rows=(OWNING, AUDITING),
        fields=row_fields(
            "id programme payer status total entitlements preparedBy preparedAt approvedBy "
            "approvedAt rejectedBy rejectionReason paidReference paid paidAt version viewerCan"
        ),
    ),
    "Commitment": TypeRule(
        rows=(SPONSORING, OWNING, AUDITING),
        fields=row_fields(
            "id programme agreement sponsor amount description disbursed remaining recordedBy "
            "createdAt version disbursements"
        ),
    ),
    "Disbursement": TypeRule(
        rows=(SPONSORING, OWNING, AUDITING),
        fields=row_fields(
            "id commitment sponsor amount reference paidOn status recordedBy acknowledgedBy "
            "acknowledgedAt createdAt version viewerCan"
        ),
    ),
}

# Fields funding adds to earlier areas' types: what each shows is filtered by its own rows.
FUNDING_FIELDS: dict[str, dict[str, FieldRule]] = {
    "Programme": {
        "fundingRule": SAME_AS_ROW,
        "feeSchedules": SAME_AS_ROW,
        # As the budget itself (auth/rules/core.py).
        "budgetLines": (*anyone(PARTICIPANT), AUDITING),
    },
    "Certificate": {"entitlements": SAME_AS_ROW, "subsidyDecisions": SUBSIDY_READERS},
    "Enrollment": {"entitlements": SAME_AS_ROW},
}

FUNDING_VALUE_TYPES = frozenset(
    {
        "FundingRule",
        "SubsidyDecision",
        "ClaimLine",
        "ClaimActions",
        "BatchActions",
        "BudgetLine",
        "DisbursementActions",
        # Each finding is about a row its reader may read (stakeholders.funding.anomalies).
        "FundingAnomaly",
    }
)

FUNDING_MUTATIONS: dict[str, MutationRule] = {
    "setFundingRule": action((OWNING,), "the programme", "Programme", "fundingRule"),
    "publishFeeSchedule": action(
        (EVALUATING,), "the programme", "FeeSchedule", "track level amount effectiveFrom"
    ),
    "setBudgetLine": action((OWNING,), "the programme", "Programme", "budgetLines"),
    "submitClaim": action(
        (Grant(TRAINERS, OWN_PARTY),), "the claiming operator", "ReimbursementClaim", "lines"
    ),
    "verifyClaim": action(VERIFYING, "the claim", "ReimbursementClaim", "status lines"),
    "approveClaim": action((OWNING,), "the claim", "ReimbursementClaim", "status"),
    "rejectClaim": action((OWNING,), "the claim", "ReimbursementClaim", "status decisionReason"),
    "preparePaymentBatch": action((OWNING,), "the programme", "PaymentBatch", "entitlements"),
    "approvePaymentBatch": action((OWNING,), "the batch", "PaymentBatch", "status"),
    "rejectPaymentBatch": action(
        (OWNING,), "the batch", "PaymentBatch", "status rejectedBy rejectionReason"
    ),
    "voidEntitlement": action((OWNING,), "the entitlement", "Entitlement", "status statusReason"),
    "recordCommitment": action(
        (Grant(SPONSORS, OWN_PARTY),), "the sponsoring party", "Commitment", "amount description"
    ),
    "recordDisbursement": action(
        (SPONSORING,), "the commitment", "Disbursement", "amount reference paidOn"
    ),
    "acknowledgeDisbursement": action((OWNING,), "the tranche", "Disbursement", "status"),
    "recordPayment": action(
        (OWNING,), "the claim or batch", "PaymentBatch", "status paidReference paid"
    ),
}
