"""A programme's money at the small scale, through funding's own services: the owner's
subsidy rule and budget lines, the evaluation body's published fees, sponsors' commitments
and tranches.

Each step is taken by a demo person of the party the policy lets take it (demo/acting.py), so
the services check and audit it as they would a request. They stamp the moment they run; the
loader then dates each row to the instant its catalogue entry gives, as it dates programmes
and agreements (the audit event keeps the moment of the load).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncSession

from auth.principal import Principal
from auth.roles import Role
from demo.acting import acting_for
from demo.catalogue.entries import CommitmentEntry, ProgrammeEntry
from stakeholders.db import Base
from stakeholders.funding import envelope, service, sponsors
from stakeholders.parties.models import Party
from stakeholders.programmes.models import Agreement, Programme

__all__ = ["FundingTally", "load_funding"]


@dataclass
class FundingTally:
    """What one programme's money added."""

    fee_schedules: int = 0
    budget_lines: int = 0
    commitments: int = 0
    disbursements: int = 0


async def load_funding(
    session: AsyncSession,
    programme: Programme,
    entry: ProgrammeEntry,
    parties: dict[str, Party],
    agreements: dict[str, Agreement],
) -> FundingTally:
    """The entry's rule, fees, budget lines and sponsor money, for a programme just created."""
    tally = FundingTally()
    if entry.budget_lines or entry.funding_rule is not None:
        owner = await acting_for(session, entry.owner, Role.COORDINATOR)
        tally.budget_lines = await _budget_lines(session, owner, programme, entry)
        await _rule(session, owner, programme, entry)
    tally.fee_schedules = await _fees(session, programme, entry)
    for commitment in entry.commitments:
        agreement = agreements[commitment.agreement]
        tally.disbursements += await _commitment(
            session, programme, entry, commitment, parties, agreement
        )
        tally.commitments += 1
    return tally


async def _budget_lines(
    session: AsyncSession, owner: Principal, programme: Programme, entry: ProgrammeEntry
) -> int:
    """The parts of the envelope, each set by the owner's coordinator."""
    for entered in entry.budget_lines:
        line = await envelope.set_budget_line(
            session,
            owner,
            programme=programme,
            code=entered.code,
            name=entered.name,
            amount_minor=entered.amount_minor,
            currency=programme.currency,
            version=None,
        )
        await _dated(session, line, updated_at=entered.set_at)
    return len(entry.budget_lines)


async def _rule(
    session: AsyncSession, owner: Principal, programme: Programme, entry: ProgrammeEntry
) -> None:
    """The subsidy rule, set once by the owner's coordinator (no version: the first one)."""
    if entry.funding_rule is None:
        return
    entered = entry.funding_rule
    rule = await service.set_funding_rule(
        session,
        owner,
        programme=programme,
        version=None,
        evaluation_payee=entered.evaluation_payee,
        evaluation_audiences=entered.evaluation_audiences,
        training_rate_minor=entered.training_rate_minor,
    )
    await _dated(session, rule, updated_at=entered.set_at)


async def _fees(session: AsyncSession, programme: Programme, entry: ProgrammeEntry) -> int:
    """Each fee as its evaluation body published it, by one of the body's evaluators."""
    for fee in entry.fee_schedules:
        body = await acting_for(session, fee.publisher, Role.EVALUATOR)
        schedule = await service.publish_fee_schedule(
            session,
            body,
            programme=programme,
            track_code=fee.track,
            level=fee.level,
            amount_minor=fee.amount_minor,
            currency=programme.currency,
            effective_from=fee.effective_from,
        )
        await _dated(session, schedule, published_at=fee.published_at)
    return len(entry.fee_schedules)


async def _commitment(
    session: AsyncSession,
    programme: Programme,
    entry: ProgrammeEntry,
    commitment: CommitmentEntry,
    parties: dict[str, Party],
    agreement: Agreement,
) -> int:
    """The sponsor commits and records its tranches; the owner acknowledges those received."""
    sponsor = await acting_for(session, commitment.sponsor, Role.SPONSOR_STAFF)
    row = await sponsors.record_commitment(
        session,
        sponsor,
        agreement=agreement,
        sponsor_party_id=parties[commitment.sponsor].id,
        amount_minor=commitment.amount_minor,
        currency=programme.currency,
        description=commitment.description,
    )
    await _dated(session, row, created_at=commitment.recorded_at, updated_at=commitment.recorded_at)
    owner = await acting_for(session, entry.owner, Role.COORDINATOR)
    for tranche in commitment.tranches:
        paid = await sponsors.record_disbursement(
            session,
            sponsor,
            commitment=row,
            amount_minor=tranche.amount_minor,
            currency=programme.currency,
            reference=tranche.reference,
            paid_on=tranche.paid_on,
        )
        last = tranche.recorded_at
        if tranche.acknowledged_at is not None:
            paid = await sponsors.acknowledge_disbursement(
                session, owner, disbursement_id=paid.id, version=paid.version
            )
            last = tranche.acknowledged_at
            await _dated(session, paid, acknowledged_at=last)
        await _dated(session, paid, created_at=tranche.recorded_at, updated_at=last)
    return len(commitment.tranches)


async def _dated(session: AsyncSession, row: Base, **instants: dt.datetime) -> None:
    """The row's timestamps set to the catalogue's instants, its version left as it is: a
    Core UPDATE, which neither bumps the version nor stamps `updated_at` itself."""
    table: Any = row.__table__
    await session.execute(
        update(table).where(table.c.id == row.id).values(**instants)  # type: ignore[attr-defined]
    )
