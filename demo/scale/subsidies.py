"""Funding's decisions for a whole programme at once, as rows: for every certificate, what
stakeholders.funding.service.evaluation_subsidy decides when it is issued (an entitlement, or
the reason for none), and for every completed enrolment what training_subsidy accrues.

The full demo inserts certificates in bulk, so no CertificateIssued event runs; these read
the same facts in a few statements and decide in memory through the same pure functions
(stakeholders.funding.decisions), check by check in the service's order. Certificates and
enrolments that already have their decision or entitlement are left alone: running it twice
decides nothing twice.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Row, exists, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from stakeholders.db import table_of
from stakeholders.delivery.enums import EnrollmentStatus
from stakeholders.delivery.models import Cohort, Enrollment, Trainee
from stakeholders.funding import decisions
from stakeholders.funding.enums import (
    EntitlementKind,
    EntitlementStatus,
    PayeeRule,
    SubsidyOutcome,
)
from stakeholders.funding.models import Entitlement, FeeSchedule, FundingRule, SubsidyDecision
from stakeholders.outcomes.models import Assessment, Certificate
from stakeholders.programmes.models import Programme

__all__ = ["Decided", "Owed", "evaluation_decisions", "read_rule", "training_entitlements"]

CERTIFICATES, ASSESSMENTS = table_of(Certificate), table_of(Assessment)
ENROLLMENTS, TRAINEES, COHORTS = table_of(Enrollment), table_of(Trainee), table_of(Cohort)
PROGRAMMES, RULES, FEES = table_of(Programme), table_of(FundingRule), table_of(FeeSchedule)
ENTITLEMENTS, DECISIONS = table_of(Entitlement), table_of(SubsidyDecision)
EVALUATION, TRAINING = EntitlementKind.EVALUATION_SUBSIDY, EntitlementKind.TRAINING_SUBSIDY


@dataclass
class Owed:
    """An entitlement row to insert (its claim or batch set by the settlement), and the
    holder's employment, which a verifier's reason for refusing a line may turn on."""

    row: dict[str, Any]
    employment: str


@dataclass
class Decided:
    """A certificate's decision row, and the entitlement it grants (GRANTED only)."""

    row: dict[str, Any]
    owed: Owed | None = None


async def read_rule(session: AsyncSession, programme_id: int) -> Row[Any] | None:
    return (
        await session.execute(select(RULES).where(RULES.c.programme_id == programme_id))
    ).one_or_none()


def _verifier() -> Any:
    # The cohort's district checks what it gave rise to; without one, the owner's bureau.
    return func.coalesce(COHORTS.c.district_party_id, PROGRAMMES.c.owner_party_id)


# Each person's tests in the programme, by trainee id.
Tests = dict[int, list[decisions.Sitting]]


async def _tests_by_person(session: AsyncSession, programme_id: int) -> Tests:
    """Every test taken in the programme, by person, with the level its enrolment was certified
    at: what the service's first-attempt check reads, in one statement rather than per row."""
    rows = await session.execute(
        select(
            ENROLLMENTS.c.trainee_id,
            ASSESSMENTS.c.enrollment_id,
            ASSESSMENTS.c.taken_on,
            CERTIFICATES.c.level,
        )
        .select_from(
            ASSESSMENTS.join(
                ENROLLMENTS, ENROLLMENTS.c.id == ASSESSMENTS.c.enrollment_id
            ).outerjoin(CERTIFICATES, CERTIFICATES.c.enrollment_id == ASSESSMENTS.c.enrollment_id)
        )
        .where(ASSESSMENTS.c.programme_id == programme_id)
    )
    tests: Tests = defaultdict(list)
    for r in rows:
        tests[r.trainee_id].append(decisions.Sitting(r.enrollment_id, r.taken_on, r.level))
    return tests


async def evaluation_decisions(
    session: AsyncSession, programme_id: int, rule: Row[Any]
) -> list[Decided]:
    """Every undecided certificate of the programme, decided in the order of issue."""
    stmt = (
        select(
            CERTIFICATES.c.id,
            CERTIFICATES.c.level,
            CERTIFICATES.c.created_at,
            ASSESSMENTS.c.attempt,
            ASSESSMENTS.c.taken_on,
            ENROLLMENTS.c.id.label("enrollment_id"),
            ENROLLMENTS.c.trainee_id,
            ENROLLMENTS.c.operator_party_id,
            COHORTS.c.modules,
            TRAINEES.c.employment_status,
            _verifier().label("verifier_party_id"),
        )
        .select_from(
            CERTIFICATES.join(ASSESSMENTS, ASSESSMENTS.c.id == CERTIFICATES.c.assessment_id)
            .join(ENROLLMENTS, ENROLLMENTS.c.id == CERTIFICATES.c.enrollment_id)
            .join(TRAINEES, TRAINEES.c.id == ENROLLMENTS.c.trainee_id)
            .join(COHORTS, COHORTS.c.id == ENROLLMENTS.c.cohort_id)
            .join(PROGRAMMES, PROGRAMMES.c.id == ENROLLMENTS.c.programme_id)
        )
        .where(
            CERTIFICATES.c.programme_id == programme_id,
            ~exists().where(
                DECISIONS.c.certificate_id == CERTIFICATES.c.id, DECISIONS.c.kind == EVALUATION
            ),
        )
        .order_by(CERTIFICATES.c.created_at, CERTIFICATES.c.id)
    )
    fees = (await session.execute(select(FEES).where(FEES.c.programme_id == programme_id))).all()
    taken = set(
        await session.scalars(
            select(ENTITLEMENTS.c.once_key).where(
                ENTITLEMENTS.c.programme_id == programme_id, ENTITLEMENTS.c.kind == EVALUATION
            )
        )
    )
    tests = await _tests_by_person(session, programme_id)
    certified = (await session.execute(stmt)).all()
    return [_decide(programme_id, rule, fees, taken, c, tests) for c in certified]


def _decide(
    programme_id: int,
    rule: Row[Any],
    fees: Sequence[Row[Any]],
    taken: set[str],
    c: Any,
    tests: Tests,
) -> Decided:
    """One certificate, as evaluation_subsidy decides it (its checks in its order)."""
    employment = str(c.employment_status or "")
    fee = decisions.choose_fee(fees, c.level, list(c.modules or []), c.taken_on)
    once = decisions.evaluation_once(c.trainee_id, programme_id, c.level)

    def decision(outcome: SubsidyOutcome, reason: str) -> dict[str, Any]:
        return {
            "certificate_id": c.id,
            "programme_id": programme_id,
            "kind": EVALUATION,
            "outcome": outcome,
            "reason": reason,
            "entitlement_id": None,
            "decided_at": c.created_at,
        }

    outside = decisions.outside_audience(list(rule.evaluation_audiences or []), c.employment_status)
    if outside is not None:
        return Decided(decision(SubsidyOutcome.NOT_ELIGIBLE_AUDIENCE, outside))
    person = tests.get(c.trainee_id, ())
    if not decisions.first_attempt(c.attempt, c.enrollment_id, c.level, c.taken_on, person):
        return Decided(decision(SubsidyOutcome.NOT_FIRST_ATTEMPT, decisions.not_first(c.attempt)))
    if fee is None:
        return Decided(
            decision(SubsidyOutcome.NO_PUBLISHED_FEE, decisions.no_fee(c.level, c.taken_on))
        )
    if once in taken:
        return Decided(decision(SubsidyOutcome.ALREADY_GRANTED, decisions.ALREADY_GRANTED))
    taken.add(once)
    payee = PayeeRule(rule.evaluation_payee)
    words = decisions.granted(c.level, c.taken_on, fee.effective_from)
    row = _entitlement(programme_id, EVALUATION, once, c, payee, c.created_at)
    row |= {
        "certificate_id": c.id,
        "payee_party_id": c.operator_party_id if payee is PayeeRule.ADVANCING_INSTITUTION else None,
        "level": c.level,
        "amount_minor": fee.amount_minor,
        "currency": fee.currency,
        "fee_schedule_id": fee.id,
        "rule": words,
    }
    return Decided(decision(SubsidyOutcome.GRANTED, words), Owed(row, employment))


def _entitlement(
    programme_id: int,
    kind: EntitlementKind,
    once: str,
    source: Any,
    payee: PayeeRule,
    at: dt.datetime,
) -> dict[str, Any]:
    """The columns every entitlement fills, ACCRUED as it arises (the settlement moves it)."""
    return {
        "programme_id": programme_id,
        "kind": kind,
        "once_key": once,
        "trainee_id": source.trainee_id,
        "enrollment_id": source.enrollment_id,
        "certificate_id": None,
        "operator_party_id": source.operator_party_id,
        "verifier_party_id": source.verifier_party_id,
        "payee_rule": payee,
        "payee_party_id": source.operator_party_id,
        "level": None,
        "fee_schedule_id": None,
        "status": EntitlementStatus.ACCRUED,
        "status_reason": None,
        "claim_id": None,
        "batch_id": None,
        "version": 1,
        "created_at": at,
        "updated_at": at,
    }


async def training_entitlements(
    session: AsyncSession, programme_id: int, currency: str, rule: Row[Any]
) -> list[Owed]:
    """training_subsidy for every completed enrolment that has none yet, accrued as it
    completed (the enrolment's last change)."""
    if rule.training_rate_minor is None:
        return []
    taken = set(
        await session.scalars(
            select(ENTITLEMENTS.c.once_key).where(
                ENTITLEMENTS.c.programme_id == programme_id, ENTITLEMENTS.c.kind == TRAINING
            )
        )
    )
    stmt = (
        select(
            ENROLLMENTS.c.id.label("enrollment_id"),
            ENROLLMENTS.c.trainee_id,
            ENROLLMENTS.c.operator_party_id,
            ENROLLMENTS.c.updated_at,
            TRAINEES.c.employment_status,
            _verifier().label("verifier_party_id"),
        )
        .select_from(
            ENROLLMENTS.join(TRAINEES, TRAINEES.c.id == ENROLLMENTS.c.trainee_id)
            .join(COHORTS, COHORTS.c.id == ENROLLMENTS.c.cohort_id)
            .join(PROGRAMMES, PROGRAMMES.c.id == ENROLLMENTS.c.programme_id)
        )
        .where(
            ENROLLMENTS.c.programme_id == programme_id,
            ENROLLMENTS.c.status == EnrollmentStatus.COMPLETED,
        )
        .order_by(ENROLLMENTS.c.updated_at, ENROLLMENTS.c.id)
    )
    owed = []
    for e in (await session.execute(stmt)).all():
        key = decisions.training_once(e.enrollment_id)
        if key in taken:
            continue
        row = _entitlement(
            programme_id, TRAINING, key, e, PayeeRule.ADVANCING_INSTITUTION, e.updated_at
        )
        row |= {
            "amount_minor": rule.training_rate_minor,
            "currency": currency,
            "rule": decisions.TRAINING_RULE,
        }
        owed.append(Owed(row, str(e.employment_status or "")))
    return owed
