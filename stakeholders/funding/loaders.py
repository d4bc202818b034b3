"""Loaders of funding rows, named for what they load."""

from __future__ import annotations

from stakeholders.common.loading import ByKey, ListsByKey, PagesByKey
from stakeholders.funding import repository as repo

__all__ = [
    "BatchByIdLoader",
    "BatchTotalsLoader",
    "BudgetLinesByProgrammeLoader",
    "ClaimByIdLoader",
    "ClaimTotalsLoader",
    "CommitmentByIdLoader",
    "DecisionsByCertificateLoader",
    "DisbursedTotalsLoader",
    "DisbursementByIdLoader",
    "DisbursementsByCommitmentLoader",
    "EntitlementByIdLoader",
    "EntitlementsByBatchLoader",
    "EntitlementsByCertificateLoader",
    "EntitlementsByEnrollmentLoader",
    "FeeScheduleByIdLoader",
    "FeeSchedulesByProgrammeLoader",
    "FundingRuleByProgrammeLoader",
    "LineApprovalsLoader",
    "LinesByClaimLoader",
]

FundingRuleByProgrammeLoader = ByKey.on(repo.FUNDING_RULES, repo.with_programme, "programme_id")
FeeScheduleByIdLoader = ByKey.on(repo.FEE_SCHEDULES, repo.readable_fee_schedules)
FeeSchedulesByProgrammeLoader = ListsByKey.on(
    repo.FEE_SCHEDULES, repo.readable_fee_schedules, "programme_id"
)
EntitlementByIdLoader = ByKey.on(repo.ENTITLEMENTS, repo.readable_entitlements)
EntitlementsByCertificateLoader = ListsByKey.on(
    repo.ENTITLEMENTS, repo.readable_entitlements, "certificate_id"
)
EntitlementsByEnrollmentLoader = ListsByKey.on(
    repo.ENTITLEMENTS, repo.readable_entitlements, "enrollment_id"
)
EntitlementsByBatchLoader = PagesByKey.on(repo.ENTITLEMENTS, repo.readable_entitlements, "batch_id")
DecisionsByCertificateLoader = ListsByKey.on(
    repo.DECISIONS, repo.with_certificate, "certificate_id"
)
ClaimByIdLoader = ByKey.on(repo.CLAIMS, repo.readable_claims)
LinesByClaimLoader = PagesByKey.on(repo.CLAIM_LINES, repo.with_claim, "claim_id")
BatchByIdLoader = ByKey.on(repo.BATCHES, repo.readable_batches)
# Sums per claim and per batch, read through a claim or batch the caller already sees.
ClaimTotalsLoader = ByKey.on(repo.CLAIM_LINES, repo.claim_totals, "claim_id")
BatchTotalsLoader = ByKey.on(repo.ENTITLEMENTS, repo.batch_totals, "batch_id")
CommitmentByIdLoader = ByKey.on(repo.COMMITMENTS, repo.readable_commitments)
DisbursementByIdLoader = ByKey.on(repo.DISBURSEMENTS, repo.readable_disbursements)
DisbursementsByCommitmentLoader = ListsByKey.on(
    repo.DISBURSEMENTS, repo.readable_disbursements, "commitment_id"
)
DisbursedTotalsLoader = ByKey.on(repo.DISBURSEMENTS, repo.disbursed_totals, "commitment_id")
BudgetLinesByProgrammeLoader = ListsByKey.on(
    repo.BUDGET_LINES, repo.lines_of_programme, "programme_id"
)
LineApprovalsLoader = ByKey.on(repo.ENTITLEMENTS, repo.line_approvals, "budget_line_id")
