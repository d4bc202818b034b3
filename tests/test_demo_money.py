"""The demo's money is what the API could have written: each step by a person the policy
lets take it, each state what the funding services would have left (the rest of the demo:
tests/test_demo_consistency.py, whose fixture and helpers these use)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import and_, delete, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from demo.loader import SYSTEM
from stakeholders.delivery.models import Cohort, Enrollment
from stakeholders.funding.anomalies import Sources, findings
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
from stakeholders.funding.service import evaluation_subsidy
from stakeholders.outcomes.models import Assessment, Certificate
from stakeholders.programmes.models import (
    Programme,
)
from tests import test_demo_consistency as consistency
from tests.test_demo_consistency import COMPLETED, count, grouped, refusals

# The same fixture: this module loads the demo once per backend, as the other does.
demo = consistency.demo

# The authors of money: each step by a person the policy lets take it.

CLAIM_FACTS = {
    "programme_id": ReimbursementClaim.programme_id,
    "operator_party_id": ReimbursementClaim.operator_party_id,
    "verifier_party_id": ReimbursementClaim.verifier_party_id,
}


async def test_subsidy_rules_budget_lines_and_fees_are_set_by_the_owner_and_the_evaluator(demo):
    rules = await grouped(
        demo,
        sub=FundingRule.set_by,
        time=FundingRule.updated_at,
        facts={"programme_id": FundingRule.programme_id},
    )
    fees = await grouped(
        demo,
        author=FeeSchedule.publisher_party_id,
        sub=FeeSchedule.published_by,
        time=FeeSchedule.published_at,
        facts={"programme_id": FeeSchedule.programme_id},
    )
    lines = await grouped(
        demo,
        sub=BudgetLine.set_by,
        time=BudgetLine.updated_at,
        facts={"programme_id": BudgetLine.programme_id},
    )
    assert await refusals(demo, "setFundingRule", rules) == []
    assert await refusals(demo, "setBudgetLine", lines) == []
    assert await refusals(demo, "publishFeeSchedule", fees) == []


async def test_claims_are_submitted_verified_decided_and_paid_by_those_who_may(demo):
    submitted = await grouped(
        demo,
        author=ReimbursementClaim.operator_party_id,
        sub=ReimbursementClaim.submitted_by,
        time=ReimbursementClaim.submitted_at,
        facts={**CLAIM_FACTS, "party_id": ReimbursementClaim.operator_party_id},
    )
    steps = {
        "verifyClaim": (ReimbursementClaim.verified_by, ReimbursementClaim.verified_at),
        "approveClaim": (ReimbursementClaim.decided_by, ReimbursementClaim.decided_at),
        "recordPayment": (ReimbursementClaim.paid_by, ReimbursementClaim.paid_at),
    }
    assert await refusals(demo, "submitClaim", submitted) == []
    for action, (sub, time) in steps.items():
        groups = await grouped(
            demo, sub=sub, time=time, facts=CLAIM_FACTS, where=[sub.is_not(None)]
        )
        assert await refusals(demo, action, groups, node="ReimbursementClaim") == []


async def test_payment_batches_are_prepared_approved_and_paid_by_the_owner(demo):
    facts = {"programme_id": PaymentBatch.programme_id}
    prepared = await grouped(
        demo, sub=PaymentBatch.prepared_by, time=PaymentBatch.prepared_at, facts=facts
    )
    assert await refusals(demo, "preparePaymentBatch", prepared) == []
    for action, sub, time in (
        ("approvePaymentBatch", PaymentBatch.approved_by, PaymentBatch.approved_at),
        ("recordPayment", PaymentBatch.paid_by, PaymentBatch.paid_at),
    ):
        groups = await grouped(demo, sub=sub, time=time, facts=facts, where=[sub.is_not(None)])
        assert await refusals(demo, action, groups, node="PaymentBatch") == []


async def test_sponsor_money_is_recorded_by_the_sponsor_and_acknowledged_by_the_owner(demo):
    committed = await grouped(
        demo,
        author=Commitment.sponsor_party_id,
        sub=Commitment.recorded_by,
        time=Commitment.created_at,
        facts={"programme_id": Commitment.programme_id, "party_id": Commitment.sponsor_party_id},
    )
    facts = {
        "programme_id": Disbursement.programme_id,
        "sponsor_party_id": Disbursement.sponsor_party_id,
    }
    recorded = await grouped(
        demo,
        author=Disbursement.sponsor_party_id,
        sub=Disbursement.recorded_by,
        time=Disbursement.created_at,
        facts=facts,
    )
    acknowledged = await grouped(
        demo,
        sub=Disbursement.acknowledged_by,
        time=Disbursement.acknowledged_at,
        facts=facts,
        where=[Disbursement.acknowledged_by.is_not(None)],
    )
    assert await refusals(demo, "recordCommitment", committed) == []
    assert await refusals(demo, "recordDisbursement", recorded, node="Commitment") == []
    assert await refusals(demo, "acknowledgeDisbursement", acknowledged, node="Disbursement") == []


async def test_fund_supervision_finds_nothing(demo):
    # Among its checks: every step of a claim or batch by another person than the one before.
    assert await findings(demo.session, Sources.everything()) == []


# Money's states: what the funding services would have left.


def _decision_key(decision: SubsidyDecision, entitlement: Entitlement | None) -> tuple[Any, ...]:
    granted = entitlement is not None
    return (
        decision.outcome,
        decision.reason,
        *(
            (
                entitlement.once_key,
                entitlement.amount_minor,
                entitlement.fee_schedule_id,
                entitlement.payee_rule,
                entitlement.payee_party_id,
                entitlement.verifier_party_id,
                entitlement.rule,
            )
            if granted
            else ()
        ),
    )


async def _decisions(session: AsyncSession) -> dict[int, tuple[Any, ...]]:
    rows = await session.execute(
        select(SubsidyDecision, Entitlement).outerjoin(
            Entitlement, Entitlement.id == SubsidyDecision.entitlement_id
        )
    )
    return {d.certificate_id: _decision_key(d, e) for d, e in rows.all()}


async def test_each_certificate_has_what_evaluation_subsidy_decides(demo):
    # given: what the demo stored for each certificate
    session = demo.session
    stored = await _decisions(session)
    certificates = (
        await session.scalars(
            select(Certificate)
            .where(Certificate.programme_id.in_(select(FundingRule.programme_id)))
            .order_by(Certificate.created_at, Certificate.id)
        )
    ).all()
    # when: the service decides each certificate afresh, in the order of issue
    nested = await session.begin_nested()
    try:
        await session.execute(delete(SubsidyDecision))
        await session.execute(delete(Entitlement).where(Entitlement.kind == "EVALUATION_SUBSIDY"))
        for certificate in certificates:
            enrollment = await session.get(Enrollment, certificate.enrollment_id)
            passed = await session.get(Assessment, certificate.assessment_id)
            await evaluation_subsidy(session, SYSTEM, certificate, enrollment, passed)
        await session.flush()
        decided = await _decisions(session)
    finally:
        await nested.rollback()
    # then
    assert certificates and decided == stored


async def test_each_completed_enrolment_accrues_its_training_subsidy_once(demo):
    rated = select(FundingRule.programme_id).where(FundingRule.training_rate_minor.is_not(None))
    completed = (
        select(Enrollment.id)
        .where(Enrollment.programme_id.in_(rated), Enrollment.status == COMPLETED)
        .subquery()
    )
    wrong = (
        select(func.count())
        .select_from(Entitlement)
        .join(Enrollment, Enrollment.id == Entitlement.enrollment_id)
        .join(Cohort, Cohort.id == Enrollment.cohort_id)
        .join(Programme, Programme.id == Entitlement.programme_id)
        .join(FundingRule, FundingRule.programme_id == Entitlement.programme_id)
        .where(
            Entitlement.kind == "TRAINING_SUBSIDY",
            or_(
                Enrollment.status != COMPLETED,
                Entitlement.amount_minor != FundingRule.training_rate_minor,
                Entitlement.payee_party_id.is_distinct_from(Enrollment.operator_party_id),
                Entitlement.verifier_party_id
                != func.coalesce(Cohort.district_party_id, Programme.owner_party_id),
                Entitlement.created_at < Enrollment.updated_at,
            ),
        )
    )
    accrued = select(func.count(func.distinct(Entitlement.enrollment_id))).where(
        Entitlement.kind == "TRAINING_SUBSIDY"
    )
    assert await count(demo, wrong) == 0
    assert (
        await count(demo, accrued)
        == await count(demo, select(func.count()).select_from(completed))
        > 0
    )


# (entitlement, its claim, its line, its batch): the states the claim and batch steps leave.
SETTLED = {
    ("ACCRUED", None, None, None),
    ("CLAIMED", "SUBMITTED", "PENDING", None),
    *((s, s, "ACCEPTED", None) for s in ("VERIFIED", "APPROVED", "PAID")),
    *(("REJECTED", s, "REJECTED", None) for s in ("VERIFIED", "APPROVED", "PAID")),
    ("VERIFIED", None, None, "PREPARED"),
    *((s, None, None, s) for s in ("APPROVED", "PAID")),
}


async def test_entitlements_are_in_the_state_of_their_claim_or_batch(demo):
    line = and_(
        ClaimLine.claim_id == Entitlement.claim_id, ClaimLine.entitlement_id == Entitlement.id
    )
    rows = await demo.session.execute(
        select(
            Entitlement.status,
            ReimbursementClaim.status,
            ClaimLine.status,
            PaymentBatch.status,
            func.count(),
        )
        .outerjoin(ReimbursementClaim, ReimbursementClaim.id == Entitlement.claim_id)
        .outerjoin(ClaimLine, line)
        .outerjoin(PaymentBatch, PaymentBatch.id == Entitlement.batch_id)
        .group_by(
            Entitlement.status, ReimbursementClaim.status, ClaimLine.status, PaymentBatch.status
        )
    )
    found = {tuple(None if v is None else str(v) for v in r[:-1]) for r in rows}
    assert found - SETTLED == set()
    assert {"PAID", "REJECTED", "CLAIMED"} <= {state for state, *_ in found}


async def test_claims_and_batches_take_what_accrued_before_them_in_order(demo):
    now = dt.datetime.now(dt.UTC)
    claim, batch = ReimbursementClaim, PaymentBatch
    wrong_lines = (
        select(func.count())
        .select_from(ClaimLine)
        .join(Entitlement, Entitlement.id == ClaimLine.entitlement_id)
        .join(claim, claim.id == ClaimLine.claim_id)
        .where(
            or_(
                ClaimLine.amount_minor != Entitlement.amount_minor,
                Entitlement.created_at >= claim.submitted_at,
                ClaimLine.rejection_reason.is_distinct_from(Entitlement.status_reason),
                and_(ClaimLine.status == "REJECTED", ClaimLine.rejection_reason.is_(None)),
            )
        )
    )
    late_batches = (
        select(func.count())
        .select_from(Entitlement)
        .join(batch, batch.id == Entitlement.batch_id)
        .where(Entitlement.created_at >= batch.prepared_at)
    )
    steps = [
        (claim, (claim.submitted_at, claim.verified_at, claim.decided_at, claim.paid_at)),
        (batch, (batch.prepared_at, batch.approved_at, batch.paid_at)),
    ]
    assert await count(demo, wrong_lines) == 0
    assert await count(demo, late_batches) == 0
    for model, times in steps:
        for row in (await demo.session.execute(select(*times))).all():
            taken = [t for t in row if t is not None]
            assert taken == sorted(taken) and taken[-1] <= now, (model.__name__, row)


async def test_approved_money_stays_within_each_envelope(demo):
    approved = (
        select(Entitlement.programme_id, func.sum(Entitlement.amount_minor))
        .where(Entitlement.status.in_(["APPROVED", "PAID"]))
        .group_by(Entitlement.programme_id)
    )
    for programme_id, total in (await demo.session.execute(approved)).all():
        budget = demo.programmes[programme_id].budget_minor
        assert budget is None or total <= budget
    # and the lines of an envelope within it
    lines = select(BudgetLine.programme_id, func.sum(BudgetLine.amount_minor)).group_by(
        BudgetLine.programme_id
    )
    for programme_id, total in (await demo.session.execute(lines)).all():
        assert total <= demo.programmes[programme_id].budget_minor
