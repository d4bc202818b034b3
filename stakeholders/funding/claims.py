"""Money moving: reimbursement claims and payment batches, each step by another person.

An institution claims what it advanced; the bureau of its cohorts verifies each line; the
programme's owner approves or rejects; the owner records the payment. Evaluation subsidies
owed to persons go in payment batches, prepared and approved by two people. Entitlements move
with the claim or the batch in bulk statements (a 3,000-line claim is a handful of
statements, not 3,000), and the claim's or batch's audit event names every entitlement moved.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Row, insert, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from auth.errors import Forbidden
from auth.principal import Principal
from stakeholders.audit.service import snapshot
from stakeholders.db import utcnow
from stakeholders.delivery.enums import EnrollmentStatus
from stakeholders.delivery.models import Enrollment
from stakeholders.errors import BadInput, Conflict
from stakeholders.funding.enums import (
    BatchStatus,
    ClaimStatus,
    EntitlementStatus,
    LineStatus,
    PayeeRule,
)
from stakeholders.funding.envelope import charge
from stakeholders.funding.models import ClaimLine, Entitlement, PaymentBatch, ReimbursementClaim
from stakeholders.funding.service import who
from stakeholders.programmes.models import Programme
from stakeholders.validation import check_text
from stakeholders.writes import audited, check_version, get_for_update

__all__ = [
    "MAX_LINES",
    "Choice",
    "LineVerdict",
    "approve_batch",
    "approve_claim",
    "prepare_batch",
    "record_payment",
    "reject_batch",
    "reject_claim",
    "submit_claim",
    "verify_claim",
    "void_entitlement",
]

MAX_LINES = 5000
E = Entitlement


@dataclass(frozen=True)
class Choice:
    """Which entitlements: these ids, or every one that qualifies accrued up to a day."""

    ids: Sequence[int] = ()
    up_to: dt.date | None = None
    verifier_party_id: int | None = None


@dataclass(frozen=True)
class LineVerdict:
    entitlement_id: int
    reason: str


def _not_same(principal: Principal, *earlier: str | None) -> None:
    """Four eyes: the person deciding did not take the step before (CONTRACT.md, "Money")."""
    if who(principal) in earlier:
        raise Forbidden(
            "another person than the one who took the previous step must do this",
            reason="SAME_PERSON",
        )


async def _chosen(
    session: AsyncSession, programme_id: int, choice: Choice, *clauses: Any
) -> list[Row[Any]]:
    """The ACCRUED entitlements chosen (id, verifier, amount), locked; BAD_INPUT when any
    named may not be. Plain rows: the bulk moves below leave no stale entity behind."""
    if bool(choice.ids) == (choice.up_to is not None):
        raise BadInput("name the entitlements, or a day to take all accrued up to", field="lines")
    stmt = select(E.id, E.verifier_party_id, E.amount_minor).where(
        E.programme_id == programme_id, E.status == EntitlementStatus.ACCRUED, *clauses
    )
    if choice.ids:
        if len(set(choice.ids)) != len(choice.ids):
            raise BadInput("name each entitlement once", field="entitlementIds")
        stmt = stmt.where(E.id.in_(list(choice.ids)))
    else:
        assert choice.up_to is not None
        end = dt.datetime.combine(choice.up_to + dt.timedelta(days=1), dt.time(), dt.UTC)
        stmt = stmt.where(E.created_at < end)
    if choice.verifier_party_id is not None:
        stmt = stmt.where(E.verifier_party_id == choice.verifier_party_id)
    result = await session.execute(stmt.order_by(E.id).with_for_update())
    rows: list[Row[Any]] = list(result.all())  # type: ignore[arg-type]
    if choice.ids and len(rows) != len(choice.ids):
        missing = len(choice.ids) - len(rows)
        raise BadInput(
            f"{missing} entitlement(s) are not accrued ones you may take here (yours, of "
            "completed enrolments for a claim, owed to persons for a batch)",
            field="entitlementIds",
        )
    if not rows:
        raise BadInput("no accrued entitlement qualifies", field="lines")
    if len(rows) > MAX_LINES:
        raise BadInput(f"at most {MAX_LINES:,} lines at once", field="lines")
    return rows


async def _move(
    session: AsyncSession,
    ids: Sequence[int],
    source: Sequence[EntitlementStatus],
    target: EntitlementStatus,
    **values: Any,
) -> None:
    """Entitlements from one state to the next in one statement; none may have moved since
    they were read (their rows are locked, so a mismatch is a bug or a race: CONFLICT)."""
    if not ids:
        return
    moved = await session.execute(
        update(E)
        .where(E.id.in_(list(ids)), E.status.in_(list(source)))
        .values(status=target, version=E.version + 1, updated_at=utcnow(), **values)
        .execution_options(synchronize_session=False)
    )
    if moved.rowcount != len(ids):  # type: ignore[attr-defined]
        raise Conflict("entitlements changed meanwhile: reload and try again")


async def submit_claim(
    session: AsyncSession,
    principal: Principal,
    *,
    programme: Programme,
    operator_party_id: int,
    choice: Choice,
) -> ReimbursementClaim:
    """The institution claims back the subsidies it advanced, one bureau's at a time."""
    # An institution is reimbursed for trainees who completed their training.
    completed = select(Enrollment.id).where(Enrollment.status == EnrollmentStatus.COMPLETED)
    rows = await _chosen(
        session,
        programme.id,
        choice,
        E.payee_party_id == operator_party_id,
        E.enrollment_id.in_(completed),
    )
    verifiers = {r.verifier_party_id for r in rows}
    if len(verifiers) > 1:
        raise BadInput(
            "the lines are verified by several bureaus: claim one bureau's at a time",
            field="verifierCode",
        )
    claim = ReimbursementClaim(
        programme_id=programme.id,
        operator_party_id=operator_party_id,
        verifier_party_id=verifiers.pop(),
        currency=programme.currency,
        status=ClaimStatus.SUBMITTED,
        submitted_by=who(principal),
    )
    session.add(claim)
    await session.flush()
    ids = [r.id for r in rows]
    await session.execute(
        insert(ClaimLine),
        [
            {
                "claim_id": claim.id,
                "entitlement_id": r.id,
                "programme_id": programme.id,
                "amount_minor": r.amount_minor,
                "status": LineStatus.PENDING,
            }
            for r in rows
        ],
    )
    await _move(
        session, ids, [EntitlementStatus.ACCRUED], EntitlementStatus.CLAIMED, claim_id=claim.id
    )
    await audited(session, principal, "submitClaim", claim, None, {"entitlements": ids})
    return claim


async def _claim(session: AsyncSession, claim_id: int, version: int) -> ReimbursementClaim:
    claim = await get_for_update(session, ReimbursementClaim, claim_id)
    check_version(claim, version)
    return claim


async def _line_ids(session: AsyncSession, claim_id: int, status: LineStatus) -> list[int]:
    rows = await session.scalars(
        select(ClaimLine.entitlement_id).where(
            ClaimLine.claim_id == claim_id, ClaimLine.status == status
        )
    )
    return list(rows)


async def verify_claim(
    session: AsyncSession,
    principal: Principal,
    *,
    claim_id: int,
    version: int,
    rejected: Sequence[LineVerdict],
) -> ReimbursementClaim:
    """The bureau's check: every line accepted but those it rejects, each with its reason."""
    claim = await _claim(session, claim_id, version)
    if claim.status is not ClaimStatus.SUBMITTED:
        raise Conflict(f"a {claim.status} claim is not verified again")
    _not_same(principal, claim.submitted_by)
    pending = set(await _line_ids(session, claim.id, LineStatus.PENDING))
    refused = {
        v.entitlement_id: check_text(v.reason, field="rejected", max_length=2000) for v in rejected
    }
    stray = set(refused) - pending
    if stray or len(refused) != len(rejected):
        raise BadInput("reject each line of this claim once", field="rejected")
    before = snapshot(claim)
    accepted = sorted(pending - set(refused))
    for entitlement_id, reason in refused.items():
        await session.execute(
            update(ClaimLine)
            .where(ClaimLine.claim_id == claim.id, ClaimLine.entitlement_id == entitlement_id)
            .values(status=LineStatus.REJECTED, rejection_reason=reason)
        )
        await _move(
            session,
            [entitlement_id],
            [EntitlementStatus.CLAIMED],
            EntitlementStatus.REJECTED,
            status_reason=reason,
        )
    await session.execute(
        update(ClaimLine)
        .where(ClaimLine.claim_id == claim.id, ClaimLine.status == LineStatus.PENDING)
        .values(status=LineStatus.ACCEPTED)
    )
    await _move(session, accepted, [EntitlementStatus.CLAIMED], EntitlementStatus.VERIFIED)
    now = utcnow()
    claim.verified_by, claim.verified_at = who(principal), now
    if accepted:
        claim.status = ClaimStatus.VERIFIED
    else:
        claim.status, claim.decided_at = ClaimStatus.REJECTED, now
        claim.decision_reason = "every line was rejected at verification"
    extra = {"accepted": accepted, "rejected": sorted(refused)}
    await audited(session, principal, "verifyClaim", claim, before, extra)
    return claim


async def approve_claim(
    session: AsyncSession,
    principal: Principal,
    *,
    reimbursement_claim_id: int,
    version: int,
    budget_line_code: str | None = None,
) -> ReimbursementClaim:
    """The owner approves a verified claim's accepted lines, within the envelope (and the
    budget line named)."""
    claim = await _claim(session, reimbursement_claim_id, version)
    if claim.status is not ClaimStatus.VERIFIED:
        raise Conflict(f"a {claim.status} claim cannot be approved")
    _not_same(principal, claim.verified_by, claim.submitted_by)
    accepted = await _line_ids(session, claim.id, LineStatus.ACCEPTED)
    line = await charge(session, claim.programme_id, accepted, budget_line_code)
    before = snapshot(claim)
    await _move(
        session,
        accepted,
        [EntitlementStatus.VERIFIED],
        EntitlementStatus.APPROVED,
        budget_line_id=line,
    )
    claim.status, claim.decided_by, claim.decided_at = (
        ClaimStatus.APPROVED,
        who(principal),
        utcnow(),
    )
    await audited(session, principal, "approveClaim", claim, before, {"approved": accepted})
    return claim


async def reject_claim(
    session: AsyncSession,
    principal: Principal,
    *,
    reimbursement_claim_id: int,
    version: int,
    reason: str,
) -> ReimbursementClaim:
    """The owner sends a claim back whole: its entitlements may be claimed again."""
    claim = await _claim(session, reimbursement_claim_id, version)
    if claim.status not in (ClaimStatus.SUBMITTED, ClaimStatus.VERIFIED):
        raise Conflict(f"a {claim.status} claim cannot be rejected")
    _not_same(principal, claim.verified_by, claim.submitted_by)
    reason = check_text(reason, field="reason", max_length=2000)
    before = snapshot(claim)
    back = await session.scalars(
        select(ClaimLine.entitlement_id).where(
            ClaimLine.claim_id == claim.id, ClaimLine.status != LineStatus.REJECTED
        )
    )
    ids = list(back)
    await _move(
        session,
        ids,
        [EntitlementStatus.CLAIMED, EntitlementStatus.VERIFIED],
        EntitlementStatus.ACCRUED,
        claim_id=None,
    )
    claim.status, claim.decided_by, claim.decided_at = (
        ClaimStatus.REJECTED,
        who(principal),
        utcnow(),
    )
    claim.decision_reason = reason
    await audited(session, principal, "rejectClaim", claim, before, {"returned": ids})
    return claim


async def prepare_batch(
    session: AsyncSession, principal: Principal, *, programme: Programme, choice: Choice
) -> PaymentBatch:
    """Evaluation subsidies owed to persons, checked and put together for payment."""
    assert principal.party_id is not None
    rows = await _chosen(session, programme.id, choice, E.payee_rule == PayeeRule.PERSON)
    batch = PaymentBatch(
        programme_id=programme.id,
        payer_party_id=programme.owner_party_id,
        currency=programme.currency,
        status=BatchStatus.PREPARED,
        prepared_by=who(principal),
    )
    session.add(batch)
    await session.flush()
    ids = [r.id for r in rows]
    await _move(
        session, ids, [EntitlementStatus.ACCRUED], EntitlementStatus.VERIFIED, batch_id=batch.id
    )
    await audited(session, principal, "preparePaymentBatch", batch, None, {"entitlements": ids})
    return batch


async def _batch_ids(session: AsyncSession, batch_id: int) -> list[int]:
    return list(await session.scalars(select(E.id).where(E.batch_id == batch_id)))


async def approve_batch(
    session: AsyncSession,
    principal: Principal,
    *,
    payment_batch_id: int,
    version: int,
    budget_line_code: str | None = None,
) -> PaymentBatch:
    """Another person than the preparer approves the batch, within the envelope."""
    batch = await get_for_update(session, PaymentBatch, payment_batch_id)
    check_version(batch, version)
    if batch.status is not BatchStatus.PREPARED:
        raise Conflict(f"a {batch.status} batch cannot be approved")
    _not_same(principal, batch.prepared_by)
    ids = await _batch_ids(session, batch.id)
    line = await charge(session, batch.programme_id, ids, budget_line_code)
    before = snapshot(batch)
    await _move(
        session, ids, [EntitlementStatus.VERIFIED], EntitlementStatus.APPROVED, budget_line_id=line
    )
    batch.status, batch.approved_by, batch.approved_at = (
        BatchStatus.APPROVED,
        who(principal),
        utcnow(),
    )
    await audited(session, principal, "approvePaymentBatch", batch, before, {"approved": ids})
    return batch


async def reject_batch(
    session: AsyncSession,
    principal: Principal,
    *,
    payment_batch_id: int,
    version: int,
    reason: str,
) -> PaymentBatch:
    """Another person than the preparer sends the batch back: its entitlements are accrued
    again, free for another batch."""
    batch = await get_for_update(session, PaymentBatch, payment_batch_id)
    check_version(batch, version)
    if batch.status is not BatchStatus.PREPARED:
        raise Conflict(f"a {batch.status} batch cannot be sent back")
    _not_same(principal, batch.prepared_by)
    reason = check_text(reason, field="reason", max_length=2000)
    ids = await _batch_ids(session, batch.id)
    before = snapshot(batch)
    await _move(
        session, ids, [EntitlementStatus.VERIFIED], EntitlementStatus.ACCRUED, batch_id=None
    )
    batch.status, batch.rejected_by, batch.rejection_reason = (
        BatchStatus.REJECTED,
        who(principal),
        reason,
    )
    await audited(session, principal, "rejectPaymentBatch", batch, before, {"returned": ids})
    return batch


async def void_entitlement(
    session: AsyncSession, principal: Principal, *, entitlement_id: int, version: int, reason: str
) -> Entitlement:
    """The owner cancels an entitlement granted in error, before anyone claims or batches it."""
    entitlement = await get_for_update(session, Entitlement, entitlement_id)
    check_version(entitlement, version)
    if entitlement.status is not EntitlementStatus.ACCRUED:
        raise Conflict(f"a {entitlement.status} entitlement is no longer voided: reject its line")
    reason = check_text(reason, field="reason", max_length=2000)
    before = snapshot(entitlement)
    entitlement.status, entitlement.status_reason = EntitlementStatus.VOIDED, reason
    await audited(session, principal, "voidEntitlement", entitlement, before)
    return entitlement


async def record_payment(
    session: AsyncSession,
    principal: Principal,
    *,
    paid: ReimbursementClaim | PaymentBatch,
    version: int,
    reference: str,
    amount_minor: int,
    currency: str,
) -> ReimbursementClaim | PaymentBatch:
    """The payer's transfer of an approved claim or batch: its reference and what was
    actually paid (a difference from what was approved is for fund supervision to see)."""
    check_version(paid, version)
    if paid.status != "APPROVED":
        raise Conflict(f"a {paid.status} {_noun(paid)} is not paid")
    approver = paid.decided_by if isinstance(paid, ReimbursementClaim) else paid.approved_by
    _not_same(principal, approver)
    if currency != paid.currency:
        raise BadInput(f"the payment must be in {paid.currency}", field="paid")
    if amount_minor < 0:
        raise BadInput("the amount paid must be 0 or more", field="paid")
    reference = check_text(reference, field="reference", max_length=120)
    before = snapshot(paid)
    if isinstance(paid, ReimbursementClaim):
        ids = await _line_ids(session, paid.id, LineStatus.ACCEPTED)
        paid.status = ClaimStatus.PAID
    else:
        ids = await _batch_ids(session, paid.id)
        paid.status = BatchStatus.PAID
    await _move(session, ids, [EntitlementStatus.APPROVED], EntitlementStatus.PAID)
    paid.paid_by, paid.paid_at = who(principal), utcnow()
    paid.paid_reference, paid.paid_minor = reference, amount_minor
    await audited(session, principal, "recordPayment", paid, before, {"paid": ids})
    return paid


def _noun(paid: ReimbursementClaim | PaymentBatch) -> str:
    return "claim" if isinstance(paid, ReimbursementClaim) else "batch"
