"""Fund supervision: what the funding rows say that the rules forbid, found in SQL.

The services refuse all of it; these checks find what got in another way (a script, a bulk
load, a bug, a planted row). Each finding is about one row - an entitlement, a claim or a
batch - and is shown to whoever may read that row: the checks run over the caller's readable
selects (`accord funding check` runs over every row).
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, FromClause, Select, and_, exists, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from auth.principal import Principal
from stakeholders.delivery import repository as delivery
from stakeholders.funding import repository as repo
from stakeholders.funding.enums import (
    BatchStatus,
    ClaimStatus,
    EntitlementKind,
    EntitlementStatus,
    LineStatus,
)
from stakeholders.outcomes import repository as outcomes

__all__ = ["AnomalyCode", "Finding", "Sources", "findings"]


class AnomalyCode(enum.StrEnum):
    NOT_FIRST_TIME = "NOT_FIRST_TIME"
    DUPLICATE_ENTITLEMENT = "DUPLICATE_ENTITLEMENT"
    LINE_NOT_COMPLETED = "LINE_NOT_COMPLETED"
    PAID_NOT_APPROVED = "PAID_NOT_APPROVED"
    OTHER_PARTYS_LINE = "OTHER_PARTYS_LINE"
    OVER_THE_FEE = "OVER_THE_FEE"
    APPROVED_BY_PREPARER = "APPROVED_BY_PREPARER"


@dataclass(frozen=True)
class Finding:
    code: AnomalyCode
    programme_id: int
    subject_type: str  # Entitlement, ReimbursementClaim or PaymentBatch
    subject_pk: int
    detail: str


@dataclass(frozen=True)
class Sources:
    """The rows the checks look at: a caller's readable ones, or every one."""

    entitlements: FromClause
    claims: FromClause
    batches: FromClause

    @classmethod
    def readable_by(cls, principal: Principal) -> Sources:
        return cls(
            repo.readable_entitlements(principal).subquery(),
            repo.readable_claims(principal).subquery(),
            repo.readable_batches(principal).subquery(),
        )

    @classmethod
    def everything(cls) -> Sources:
        return cls(repo.ENTITLEMENTS, repo.CLAIMS, repo.BATCHES)


LIVE = [s.value for s in EntitlementStatus if s is not EntitlementStatus.VOIDED]
EVALUATION = EntitlementKind.EVALUATION_SUBSIDY.value


def _not_first_time(src: Sources) -> Select[Any]:
    """The service's test of a first attempt (funding.service._first_attempt), in one
    statement: the certificate's test was attempt 1, and no test of the person in another
    enrolment of the programme, not certified at another level, came before it."""
    e, c = src.entitlements.c, outcomes.CERTIFICATES.c
    passed = outcomes.ASSESSMENTS.alias("passed")
    other = outcomes.ASSESSMENTS.alias("other_test")
    other_enrollment = delivery.ENROLLMENTS.alias("other_enrollment")
    other_certificate = outcomes.CERTIFICATES.alias("other_certificate")
    # Correlated by hand: the outer certificate is two levels up, beyond automatic correlation
    # (left to it, the subquery would join every certificate again).
    other_level = (
        exists()
        .where(
            other_certificate.c.enrollment_id == other.c.enrollment_id,
            other_certificate.c.level != c.level,
        )
        .correlate_except(other_certificate)
    )
    earlier = (
        exists()
        .where(
            other_enrollment.c.id == other.c.enrollment_id,
            other_enrollment.c.trainee_id == e.trainee_id,
            other_enrollment.c.programme_id == e.programme_id,
            other.c.enrollment_id != e.enrollment_id,
            other.c.taken_on <= passed.c.taken_on,
            ~other_level,
        )
        .correlate_except(other_enrollment, other)
    )
    joined = src.entitlements.outerjoin(outcomes.CERTIFICATES, c.id == e.certificate_id).outerjoin(
        passed, passed.c.id == c.assessment_id
    )
    return (
        select(e.programme_id, e.id, func.coalesce(passed.c.attempt, 0).label("detail"))
        .select_from(joined)
        .where(
            e.kind == EVALUATION,
            e.status.in_(LIVE),
            or_(c.id.is_(None), passed.c.attempt != 1, earlier),
        )
    )


def _duplicates(src: Sources) -> Select[Any]:
    e = src.entitlements.c
    return (
        select(e.programme_id, func.max(e.id), func.count().label("detail"))
        .where(e.kind == EVALUATION, e.status.in_(LIVE))
        .group_by(e.programme_id, e.trainee_id, e.level)
        .having(func.count() > 1)
    )


def _lines_not_completed(src: Sources) -> Select[Any]:
    e, line, en = src.entitlements.c, repo.CLAIM_LINES.c, delivery.ENROLLMENTS.c
    return (
        select(e.programme_id, e.id, en.status.label("detail"))
        .select_from(
            src.entitlements.join(repo.CLAIM_LINES, line.entitlement_id == e.id).join(
                delivery.ENROLLMENTS, en.id == e.enrollment_id
            )
        )
        .where(line.status != LineStatus.REJECTED.value, en.status != "COMPLETED")
    )


def _claims_paid_otherwise(src: Sources) -> Select[Any]:
    c, line = src.claims.c, repo.CLAIM_LINES.c
    accepted = (
        select(func.coalesce(func.sum(line.amount_minor), 0))
        .where(line.claim_id == c.id, line.status == LineStatus.ACCEPTED.value)
        .scalar_subquery()
    )
    return select(c.programme_id, c.id, c.paid_minor.label("detail")).where(
        c.status == ClaimStatus.PAID.value, c.paid_minor != accepted
    )


def _batches_paid_otherwise(src: Sources) -> Select[Any]:
    b, e = src.batches.c, repo.ENTITLEMENTS.c
    owed = (
        select(func.coalesce(func.sum(e.amount_minor), 0))
        .where(e.batch_id == b.id)
        .scalar_subquery()
    )
    return select(b.programme_id, b.id, b.paid_minor.label("detail")).where(
        b.status == BatchStatus.PAID.value, b.paid_minor != owed
    )


def _other_partys_lines(src: Sources) -> Select[Any]:
    c, line, e = src.claims.c, repo.CLAIM_LINES.c, repo.ENTITLEMENTS.c
    return (
        select(c.programme_id, c.id, e.id.label("detail"))
        .select_from(
            src.claims.join(repo.CLAIM_LINES, line.claim_id == c.id).join(
                repo.ENTITLEMENTS, e.id == line.entitlement_id
            )
        )
        .where(
            or_(
                e.operator_party_id != c.operator_party_id,
                e.payee_party_id.is_(None),
                e.payee_party_id != c.operator_party_id,
                e.programme_id != c.programme_id,
            )
        )
    )


def _over_the_fee(src: Sources) -> Select[Any]:
    e, f = src.entitlements.c, repo.FEE_SCHEDULES.c
    return (
        select(e.programme_id, e.id, e.amount_minor.label("detail"))
        .select_from(src.entitlements.outerjoin(repo.FEE_SCHEDULES, f.id == e.fee_schedule_id))
        .where(
            e.kind == EVALUATION,
            e.status.in_(LIVE),
            or_(f.id.is_(None), e.amount_minor > f.amount_minor, e.currency != f.currency),
        )
    )


def _same_person(a: ColumnElement[Any], *earlier: ColumnElement[Any]) -> ColumnElement[bool]:
    return or_(*(and_(a.is_not(None), a == b) for b in earlier))


def _claims_by_preparer(src: Sources) -> Select[Any]:
    c = src.claims.c
    return select(c.programme_id, c.id, c.decided_by.label("detail")).where(
        or_(
            _same_person(c.verified_by, c.submitted_by),
            and_(
                c.status.in_([ClaimStatus.APPROVED.value, ClaimStatus.PAID.value]),
                _same_person(c.decided_by, c.submitted_by, c.verified_by),
            ),
            _same_person(c.paid_by, c.decided_by),
        )
    )


def _batches_by_preparer(src: Sources) -> Select[Any]:
    b = src.batches.c
    return select(b.programme_id, b.id, b.approved_by.label("detail")).where(
        or_(_same_person(b.approved_by, b.prepared_by), _same_person(b.paid_by, b.approved_by))
    )


CHECKS = [
    (AnomalyCode.NOT_FIRST_TIME, "Entitlement", _not_first_time, "attempt {}"),
    (AnomalyCode.DUPLICATE_ENTITLEMENT, "Entitlement", _duplicates, "{} for one level"),
    (AnomalyCode.LINE_NOT_COMPLETED, "Entitlement", _lines_not_completed, "enrolment {}"),
    (AnomalyCode.PAID_NOT_APPROVED, "ReimbursementClaim", _claims_paid_otherwise, "paid {}"),
    (AnomalyCode.PAID_NOT_APPROVED, "PaymentBatch", _batches_paid_otherwise, "paid {}"),
    (AnomalyCode.OTHER_PARTYS_LINE, "ReimbursementClaim", _other_partys_lines, "line {}"),
    (AnomalyCode.OVER_THE_FEE, "Entitlement", _over_the_fee, "amount {}"),
    (AnomalyCode.APPROVED_BY_PREPARER, "ReimbursementClaim", _claims_by_preparer, "by {}"),
    (AnomalyCode.APPROVED_BY_PREPARER, "PaymentBatch", _batches_by_preparer, "by {}"),
]


async def findings(
    session: AsyncSession, sources: Sources, programme_id: int | None = None
) -> list[Finding]:
    """Every finding over `sources`, of one programme or of all, in a stable order."""
    found = []
    for code, subject, check, words in CHECKS:
        stmt = check(sources)
        if programme_id is not None:
            stmt = stmt.where(stmt.selected_columns[0] == programme_id)
        for programme, pk, detail in (await session.execute(stmt)).all():
            found.append(Finding(code, programme, subject, pk, words.format(detail)))
    return sorted(found, key=lambda f: (f.programme_id, f.code, f.subject_type, f.subject_pk))
