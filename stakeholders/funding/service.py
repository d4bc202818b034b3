"""Funding's rules for what arises on its own: the programme's subsidy rule, published fees,
and the entitlements a first-time certificate or a completed enrolment gives rise to."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from sqlalchemy import ColumnElement, select
from sqlalchemy.ext.asyncio import AsyncSession

from auth.principal import Principal
from stakeholders.audit.service import snapshot
from stakeholders.delivery.enums import EmploymentStatus
from stakeholders.delivery.models import Cohort, Enrollment, Trainee
from stakeholders.errors import BadInput, Conflict
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
from stakeholders.validation import check_text, optional_text
from stakeholders.writes import add_audited, audited, check_version

__all__ = [
    "check_amount",
    "evaluation_subsidy",
    "fee_in_force",
    "publish_fee_schedule",
    "set_funding_rule",
    "training_subsidy",
    "who",
]


def who(principal: Principal) -> str:
    assert principal.sub is not None, "mutations refuse the anonymous caller first"
    return principal.sub


def check_amount(amount_minor: int, currency: str, programme: Programme, *, field: str) -> None:
    """Money of a programme is in its currency: sums never mix currencies."""
    if currency != programme.currency:
        raise BadInput(
            f"{field} must be in the programme's currency, {programme.currency}", field=field
        )
    if amount_minor < 0:
        raise BadInput(f"{field} must be 0 or more", field=field)


async def set_funding_rule(
    session: AsyncSession,
    principal: Principal,
    *,
    programme: Programme,
    version: int | None,
    evaluation_payee: PayeeRule,
    evaluation_audiences: Sequence[EmploymentStatus],
    training_rate_minor: int | None,
) -> FundingRule:
    """The programme's subsidy rule; `version` of the rule it replaces (none the first time).
    A new rule applies to what happens from now on: nothing computed is recomputed."""
    if training_rate_minor is not None and training_rate_minor < 0:
        raise BadInput("the training rate must be 0 or more", field="trainingRate")
    rule = await session.scalar(
        select(FundingRule).where(FundingRule.programme_id == programme.id).with_for_update()
    )
    if rule is None and version is not None:
        raise Conflict("the programme has no subsidy rule yet: send no version", stored_version=0)
    if rule is not None:
        if version is None:
            raise Conflict("the programme has a subsidy rule: send its version to replace it")
        check_version(rule, version)
    before = snapshot(rule) if rule is not None else None
    if rule is None:
        rule = FundingRule(programme_id=programme.id)
        session.add(rule)
    rule.evaluation_payee = evaluation_payee
    rule.evaluation_audiences = sorted({a.value for a in evaluation_audiences})
    rule.training_rate_minor = training_rate_minor
    rule.set_by = who(principal)
    await audited(session, principal, "setFundingRule", rule, before)
    return rule


async def publish_fee_schedule(
    session: AsyncSession,
    principal: Principal,
    *,
    programme: Programme,
    track_code: str | None,
    level: str,
    amount_minor: int,
    currency: str,
    effective_from: dt.date,
) -> FeeSchedule:
    """The evaluation body's published fee for a level (and a track), from a day on."""
    assert principal.party_id is not None, "a fee is published by a party"
    level = check_text(level, field="level", max_length=120)
    track_code = optional_text(track_code, field="track", max_length=40)
    if track_code is not None and track_code not in {t["code"] for t in programme.tracks}:
        raise BadInput(f"the programme has no track {track_code!r}", field="track")
    check_amount(amount_minor, currency, programme, field="amount")
    same_day = await session.scalar(
        select(FeeSchedule.id).where(
            FeeSchedule.programme_id == programme.id,
            FeeSchedule.level == level,
            _track_is(track_code),
            FeeSchedule.effective_from == effective_from,
        )
    )
    if same_day is not None:
        raise Conflict("a fee for this level and track takes effect that day already")
    schedule = FeeSchedule(
        programme_id=programme.id,
        publisher_party_id=principal.party_id,
        track_code=track_code,
        level=level,
        amount_minor=amount_minor,
        currency=currency,
        effective_from=effective_from,
        published_by=who(principal),
    )
    return await add_audited(session, principal, "publishFeeSchedule", schedule)


def _track_is(track_code: str | None) -> ColumnElement[bool]:
    column = FeeSchedule.track_code
    return column.is_(None) if track_code is None else column == track_code


async def fee_in_force(
    session: AsyncSession, programme_id: int, level: str, tracks: Sequence[str], on: dt.date
) -> FeeSchedule | None:
    """The fee published for `level` that applies to a test taken `on` that day
    (decisions.choose_fee)."""
    schedules = await session.scalars(
        select(FeeSchedule).where(
            FeeSchedule.programme_id == programme_id, FeeSchedule.level == level
        )
    )
    chosen: FeeSchedule | None = decisions.choose_fee(schedules, level, tracks, on)
    return chosen


async def _tests_of(session: AsyncSession, enrollment: Enrollment) -> list[decisions.Sitting]:
    """Every test of the person in the programme, whatever the cohort or operator, with the
    level its enrolment was certified at: what decisions.first_attempt weighs."""
    rows = await session.execute(
        select(Assessment.enrollment_id, Assessment.taken_on, Certificate.level)
        .join(Enrollment, Enrollment.id == Assessment.enrollment_id)
        .outerjoin(Certificate, Certificate.enrollment_id == Assessment.enrollment_id)
        .where(
            Enrollment.trainee_id == enrollment.trainee_id,
            Enrollment.programme_id == enrollment.programme_id,
        )
    )
    return [decisions.Sitting(r.enrollment_id, r.taken_on, r.level) for r in rows]


async def _decide(
    session: AsyncSession,
    certificate: Certificate,
    outcome: SubsidyOutcome,
    reason: str,
    entitlement: Entitlement | None = None,
) -> None:
    session.add(
        SubsidyDecision(
            certificate_id=certificate.id,
            programme_id=certificate.programme_id,
            kind=EntitlementKind.EVALUATION_SUBSIDY,
            outcome=outcome,
            reason=reason,
            entitlement_id=entitlement.id if entitlement is not None else None,
        )
    )


async def _verifier(session: AsyncSession, enrollment: Enrollment) -> int:
    """The cohort's district checks what it gave rise to; without one, the owner's bureau."""
    cohort = await session.get(Cohort, enrollment.cohort_id)
    assert cohort is not None
    if cohort.district_party_id is not None:
        return cohort.district_party_id
    programme = await session.get(Programme, enrollment.programme_id)
    assert programme is not None
    return programme.owner_party_id


async def evaluation_subsidy(
    session: AsyncSession,
    principal: Principal,
    certificate: Certificate,
    enrollment: Enrollment,
    passed: Assessment,
) -> Entitlement | None:
    """Chongqing's rule: a first-time pass earns the fee the evaluation body published,
    without application. Whatever the verdict, its reason stays with the certificate."""
    rule = await session.scalar(
        select(FundingRule).where(FundingRule.programme_id == enrollment.programme_id)
    )
    if rule is None:
        return None  # the programme pays no subsidy: nothing to decide
    trainee = await session.get(Trainee, enrollment.trainee_id)
    assert trainee is not None
    outside = decisions.outside_audience(rule.evaluation_audiences, trainee.employment_status)
    if outside is not None:
        await _decide(session, certificate, SubsidyOutcome.NOT_ELIGIBLE_AUDIENCE, outside)
        return None
    tests = await _tests_of(session, enrollment) if passed.attempt == 1 else []
    level = certificate.level
    if not decisions.first_attempt(passed.attempt, enrollment.id, level, passed.taken_on, tests):
        reason = decisions.not_first(passed.attempt)
        await _decide(session, certificate, SubsidyOutcome.NOT_FIRST_ATTEMPT, reason)
        return None
    cohort = await session.get(Cohort, enrollment.cohort_id)
    assert cohort is not None
    fee = await fee_in_force(
        session, enrollment.programme_id, certificate.level, cohort.modules, passed.taken_on
    )
    if fee is None:
        reason = decisions.no_fee(level, passed.taken_on)
        await _decide(session, certificate, SubsidyOutcome.NO_PUBLISHED_FEE, reason)
        return None
    once = decisions.evaluation_once(enrollment.trainee_id, enrollment.programme_id, level)
    taken = await session.scalar(
        select(Entitlement.id).where(
            Entitlement.kind == EntitlementKind.EVALUATION_SUBSIDY, Entitlement.once_key == once
        )
    )
    if taken is not None:
        reason = decisions.ALREADY_GRANTED
        await _decide(session, certificate, SubsidyOutcome.ALREADY_GRANTED, reason)
        return None
    advanced = rule.evaluation_payee is PayeeRule.ADVANCING_INSTITUTION
    entitlement = Entitlement(
        programme_id=enrollment.programme_id,
        kind=EntitlementKind.EVALUATION_SUBSIDY,
        once_key=once,
        trainee_id=enrollment.trainee_id,
        enrollment_id=enrollment.id,
        certificate_id=certificate.id,
        operator_party_id=enrollment.operator_party_id,
        verifier_party_id=await _verifier(session, enrollment),
        payee_rule=rule.evaluation_payee,
        payee_party_id=enrollment.operator_party_id if advanced else None,
        level=certificate.level,
        amount_minor=fee.amount_minor,
        currency=fee.currency,
        fee_schedule_id=fee.id,
        rule=decisions.granted(level, passed.taken_on, fee.effective_from),
        status=EntitlementStatus.ACCRUED,
    )
    await add_audited(session, principal, "accrueEntitlement", entitlement)
    await _decide(session, certificate, SubsidyOutcome.GRANTED, entitlement.rule, entitlement)
    return entitlement


async def training_subsidy(
    session: AsyncSession, principal: Principal, enrollment: Enrollment
) -> Entitlement | None:
    """The programme's rate per completed enrolment, owed to the institution that trained
    the person and advanced the cost; once per enrolment."""
    rule = await session.scalar(
        select(FundingRule).where(FundingRule.programme_id == enrollment.programme_id)
    )
    if rule is None or rule.training_rate_minor is None:
        return None
    once = decisions.training_once(enrollment.id)
    taken = await session.scalar(
        select(Entitlement.id).where(
            Entitlement.kind == EntitlementKind.TRAINING_SUBSIDY, Entitlement.once_key == once
        )
    )
    if taken is not None:
        return None
    programme = await session.get(Programme, enrollment.programme_id)
    assert programme is not None
    entitlement = Entitlement(
        programme_id=enrollment.programme_id,
        kind=EntitlementKind.TRAINING_SUBSIDY,
        once_key=once,
        trainee_id=enrollment.trainee_id,
        enrollment_id=enrollment.id,
        operator_party_id=enrollment.operator_party_id,
        verifier_party_id=await _verifier(session, enrollment),
        payee_rule=PayeeRule.ADVANCING_INSTITUTION,
        payee_party_id=enrollment.operator_party_id,
        amount_minor=rule.training_rate_minor,
        currency=programme.currency,
        rule=decisions.TRAINING_RULE,
        status=EntitlementStatus.ACCRUED,
    )
    return await add_audited(session, principal, "accrueEntitlement", entitlement)
