"""Sponsor money: commitments under an agreement, disbursements against them, the owner's
acknowledgement of receipt. What is left of a commitment is computed, never stored."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from auth.principal import Principal
from stakeholders.audit.service import snapshot
from stakeholders.db import utcnow
from stakeholders.errors import BadInput, Conflict
from stakeholders.funding.enums import DisbursementStatus
from stakeholders.funding.models import Commitment, Disbursement
from stakeholders.funding.service import check_amount, who
from stakeholders.programmes.models import Agreement, AgreementParty, Programme
from stakeholders.validation import check_text
from stakeholders.writes import add_audited, audited, check_version, get_for_update

__all__ = ["acknowledge_disbursement", "disbursed", "record_commitment", "record_disbursement"]


async def record_commitment(
    session: AsyncSession,
    principal: Principal,
    *,
    agreement: Agreement,
    sponsor_party_id: int,
    amount_minor: int,
    currency: str,
    description: str,
) -> Commitment:
    """A sponsor's commitment, under a signed agreement the sponsor is a party to."""
    bound = await session.scalar(
        select(AgreementParty.id).where(
            AgreementParty.agreement_id == agreement.id,
            AgreementParty.party_id == sponsor_party_id,
        )
    )
    if bound is None:
        raise BadInput("the sponsor is not a party to this agreement", field="agreementId")
    if agreement.signed_on is None:
        raise Conflict("the agreement is not signed yet: money is committed under a signed one")
    programme = await session.get(Programme, agreement.programme_id)
    assert programme is not None
    check_amount(amount_minor, currency, programme, field="amount")
    if amount_minor == 0:
        raise BadInput("a commitment is of more than 0", field="amount")
    commitment = Commitment(
        programme_id=agreement.programme_id,
        agreement_id=agreement.id,
        sponsor_party_id=sponsor_party_id,
        amount_minor=amount_minor,
        currency=currency,
        description=check_text(description, field="description", max_length=2000, required=False),
        recorded_by=who(principal),
    )
    return await add_audited(session, principal, "recordCommitment", commitment)


async def disbursed(session: AsyncSession, commitment_id: int) -> int:
    total = await session.scalar(
        select(func.coalesce(func.sum(Disbursement.amount_minor), 0)).where(
            Disbursement.commitment_id == commitment_id
        )
    )
    return int(total or 0)


async def record_disbursement(
    session: AsyncSession,
    principal: Principal,
    *,
    commitment: Commitment,
    amount_minor: int,
    currency: str,
    reference: str,
    paid_on: dt.date,
) -> Disbursement:
    """A tranche paid against the commitment; never more than what is left of it."""
    if currency != commitment.currency:
        raise BadInput(f"the tranche must be in {commitment.currency}", field="amount")
    if amount_minor <= 0:
        raise BadInput("a tranche is of more than 0", field="amount")
    left = commitment.amount_minor - await disbursed(session, commitment.id)
    if amount_minor > left:
        raise Conflict(
            f"more than is left of the commitment: {left} (minor units) left",
            reason="COMMITMENT_EXCEEDED",
            remaining_minor=left,
        )
    if paid_on > dt.datetime.now(dt.UTC).date():
        raise BadInput("a tranche is recorded once paid", field="paidOn")
    tranche = Disbursement(
        commitment_id=commitment.id,
        programme_id=commitment.programme_id,
        sponsor_party_id=commitment.sponsor_party_id,
        amount_minor=amount_minor,
        currency=currency,
        reference=check_text(reference, field="reference", max_length=120),
        paid_on=paid_on,
        status=DisbursementStatus.RECORDED,
        recorded_by=who(principal),
    )
    return await add_audited(session, principal, "recordDisbursement", tranche)


async def acknowledge_disbursement(
    session: AsyncSession, principal: Principal, *, disbursement_id: int, version: int
) -> Disbursement:
    """The owner confirms the money arrived."""
    tranche = await get_for_update(session, Disbursement, disbursement_id)
    check_version(tranche, version)
    if tranche.status is not DisbursementStatus.RECORDED:
        raise Conflict("this tranche is acknowledged already")
    before = snapshot(tranche)
    tranche.status = DisbursementStatus.ACKNOWLEDGED
    tranche.acknowledged_by, tranche.acknowledged_at = who(principal), utcnow()
    await audited(session, principal, "acknowledgeDisbursement", tranche, before)
    return tranche
