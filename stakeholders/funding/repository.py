"""Reading funding rows: each type's readable select (the policy's row rules, in SQL)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Select, case, func, select

from auth.principal import Principal
from stakeholders.common.access import readable_select
from stakeholders.db import table_of
from stakeholders.funding.enums import EntitlementStatus, LineStatus
from stakeholders.funding.models import (
    BudgetLine,
    ClaimLine,
    Commitment,
    Disbursement,
    Entitlement,
    FeeSchedule,
    FundingRule,
    PaymentBatch,
    ReimbursementClaim,
    SubsidyDecision,
)

__all__ = [
    "BATCHES",
    "BUDGET_LINES",
    "CLAIMS",
    "CLAIM_LINES",
    "COMMITMENTS",
    "DECISIONS",
    "DISBURSEMENTS",
    "ENTITLEMENTS",
    "FEE_SCHEDULES",
    "FUNDING_RULES",
    "batch_totals",
    "claim_totals",
    "disbursed_totals",
    "line_approvals",
    "lines_of_programme",
    "readable_batches",
    "readable_claims",
    "readable_commitments",
    "readable_disbursements",
    "readable_entitlements",
    "readable_fee_schedules",
    "with_certificate",
    "with_claim",
    "with_programme",
]

FUNDING_RULES = table_of(FundingRule)
BUDGET_LINES = table_of(BudgetLine)
FEE_SCHEDULES = table_of(FeeSchedule)
ENTITLEMENTS = table_of(Entitlement)
DECISIONS = table_of(SubsidyDecision)
CLAIMS = table_of(ReimbursementClaim)
CLAIM_LINES = table_of(ClaimLine)
BATCHES = table_of(PaymentBatch)
COMMITMENTS = table_of(Commitment)
DISBURSEMENTS = table_of(Disbursement)


def readable_fee_schedules(principal: Principal) -> Select[Any]:
    return readable_select("FeeSchedule", FEE_SCHEDULES, principal)


def readable_entitlements(principal: Principal) -> Select[Any]:
    return readable_select("Entitlement", ENTITLEMENTS, principal)


def readable_claims(principal: Principal) -> Select[Any]:
    return readable_select("ReimbursementClaim", CLAIMS, principal)


def readable_batches(principal: Principal) -> Select[Any]:
    return readable_select("PaymentBatch", BATCHES, principal)


def readable_commitments(principal: Principal) -> Select[Any]:
    return readable_select("Commitment", COMMITMENTS, principal)


def readable_disbursements(principal: Principal) -> Select[Any]:
    return readable_select("Disbursement", DISBURSEMENTS, principal)


def disbursed_totals(_: Principal) -> Select[Any]:
    """What each commitment has disbursed, computed (never stored twice), per commitment."""
    rows = DISBURSEMENTS.c
    return select(rows.commitment_id, func.sum(rows.amount_minor).label("total")).group_by(
        rows.commitment_id
    )


def with_certificate(_: Principal) -> Select[Any]:
    """Subsidy decisions: shown wherever their certificate itself may be seen."""
    return select(DECISIONS)


def with_claim(_: Principal) -> Select[Any]:
    """Claim lines: shown wherever their claim itself may be seen."""
    return select(CLAIM_LINES)


def claim_totals(_: Principal) -> Select[Any]:
    """A claim's sums, computed from its lines (never stored twice), per claim_id."""
    lines = CLAIM_LINES.c
    accepted = case((lines.status == LineStatus.ACCEPTED.value, lines.amount_minor), else_=0)
    return select(
        lines.claim_id,
        func.sum(lines.amount_minor).label("total"),
        func.sum(accepted).label("accepted"),
    ).group_by(lines.claim_id)


def batch_totals(_: Principal) -> Select[Any]:
    """A batch's sum, computed from its entitlements, per batch_id."""
    rows = ENTITLEMENTS.c
    return select(rows.batch_id, func.sum(rows.amount_minor).label("total")).group_by(rows.batch_id)


def lines_of_programme(_: Principal) -> Select[Any]:
    """A programme's budget lines: shown wherever its budget may be read."""
    return select(BUDGET_LINES)


def line_approvals(_: Principal) -> Select[Any]:
    """What is approved (or paid) on each budget line, computed, per budget_line_id."""
    rows = ENTITLEMENTS.c
    committed = [EntitlementStatus.APPROVED.value, EntitlementStatus.PAID.value]
    return (
        select(rows.budget_line_id, func.sum(rows.amount_minor).label("total"))
        .where(rows.status.in_(committed))
        .group_by(rows.budget_line_id)
    )


def with_programme(_: Principal) -> Select[Any]:
    """A programme's subsidy rule: public wherever the programme itself may be seen."""
    return select(FUNDING_RULES)
