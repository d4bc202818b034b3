"""Loading the demo catalogue into the database, idempotently and without committing."""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, fields
from typing import Any, TypeVar

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from auth.principal import Principal
from demo.catalogue import PARTIES, PROGRAMMES
from demo.catalogue.entries import (
    AgreementEntry,
    EscalationEntry,
    PartyEntry,
    ProgrammeEntry,
    ResponsibilityEntry,
    demo_sub,
)
from demo.funding import load_funding
from demo.quality import QualityTally, load_quality, offers_at
from demo.quality import existing as quality_there
from demo.scale import load_full
from stakeholders.audit.service import record, snapshot
from stakeholders.parties.models import Party
from stakeholders.parties.repository import path_of
from stakeholders.programmes.models import (
    Agreement,
    AgreementParty,
    Escalation,
    Participant,
    Programme,
    ProgressUpdate,
    Responsibility,
)

__all__ = ["SCALES", "SYSTEM", "DemoSummary", "Tally", "load_demo"]

SYSTEM = Principal(sub="system:demo")
SCALES = ("small", "full")

Row = TypeVar("Row", Party, Programme, Agreement, Responsibility, ProgressUpdate, Escalation)
# The fields a row takes over from its catalogue entry as they are, by the row's type; the
# loader translates the rest (party codes to ids, parties to the subjects of their people).
UNCHANGED: dict[type[Any], str] = {
    Party: "code name kind country",
    Programme: "code name status starts_on ends_on currency budget_minor eligibility_combination",
    Agreement: "kind title reference signed_on",
    Responsibility: "title description due_on status progress",
    ProgressUpdate: "at status progress note",
    Escalation: "subject description status resolution raised_at acknowledged_at resolved_at",
}


@dataclass
class Tally:
    created: int = 0
    skipped: int = 0


# Tallies that only the full scale fills, and shows.
FULL_ONLY = {"full": True}


@dataclass
class DemoSummary:
    """What one load created and what it found already there."""

    scale: str
    parties: Tally = field(default_factory=Tally)
    programmes: Tally = field(default_factory=Tally)
    agreements: Tally = field(default_factory=Tally)
    responsibilities: Tally = field(default_factory=Tally)
    escalations: Tally = field(default_factory=Tally)
    fee_schedules: Tally = field(default_factory=Tally)
    budget_lines: Tally = field(default_factory=Tally)
    commitments: Tally = field(default_factory=Tally)
    disbursements: Tally = field(default_factory=Tally)
    training_offers: Tally = field(default_factory=Tally)
    calls: Tally = field(default_factory=Tally)
    applications: Tally = field(default_factory=Tally)
    reviews: Tally = field(default_factory=Tally)
    labels: Tally = field(default_factory=Tally)
    procurement_lots: Tally = field(default_factory=Tally)
    offer_sessions: Tally = field(default_factory=Tally)
    cohorts: Tally = field(default_factory=Tally, metadata=FULL_ONLY)
    trainees: Tally = field(default_factory=Tally, metadata=FULL_ONLY)
    contacts: Tally = field(default_factory=Tally, metadata=FULL_ONLY)
    enrollments: Tally = field(default_factory=Tally, metadata=FULL_ONLY)
    attendance: Tally = field(default_factory=Tally, metadata=FULL_ONLY)
    assessments: Tally = field(default_factory=Tally, metadata=FULL_ONLY)
    certificates: Tally = field(default_factory=Tally, metadata=FULL_ONLY)
    placements: Tally = field(default_factory=Tally, metadata=FULL_ONLY)
    follow_ups: Tally = field(default_factory=Tally, metadata=FULL_ONLY)
    entitlements: Tally = field(default_factory=Tally, metadata=FULL_ONLY)
    subsidy_decisions: Tally = field(default_factory=Tally, metadata=FULL_ONLY)
    claims: Tally = field(default_factory=Tally, metadata=FULL_ONLY)
    claim_lines: Tally = field(default_factory=Tally, metadata=FULL_ONLY)
    payment_batches: Tally = field(default_factory=Tally, metadata=FULL_ONLY)

    def line(self) -> str:
        """One line for the end of `accord demo load`."""
        tallies = [
            (f.name.replace("_", "-"), getattr(self, f.name))
            for f in fields(self)
            if f.name != "scale" and (self.scale == "full" or not f.metadata.get("full"))
        ]
        created = ", ".join(f"{t.created} {name}" for name, t in tallies)
        skipped = ", ".join(f"{t.skipped} {name}" for name, t in tallies)
        return f"demo ({self.scale}): created {created}; skipped (already there) {skipped}"


async def load_demo(
    session: AsyncSession,
    *,
    scale: str = "small",
    progress: Callable[[str], None] | None = None,
    factor: float = 1.0,
) -> DemoSummary:
    """Add the four source programmes (and GEN's label programme) and their parties; flushes,
    the caller commits.

    Parties are keyed by code and a programme (with everything under it, its money through
    funding's services: demo/funding.py) is created only when its code is new, so a second
    run adds nothing. GEN's calls, labels and procurement lots go through quality's services
    once, when its label programme has no call yet (demo/quality: a few dozen trainings, the
    ~500 at `full`). `full` then adds the programmes' delivery (cohorts, trainees, enrolments
    and their outcomes, the subsidies they gave rise to, claims and payments) at the real
    sizes times `factor`, to programmes that have none yet (see demo.scale).
    """
    if scale not in SCALES:
        raise ValueError(f"scale must be one of {', '.join(SCALES)}, not {scale!r}")
    summary = DemoSummary(scale=scale)
    parties = await _load_parties(session, PARTIES, summary.parties)
    existing = set(
        await session.scalars(
            select(Programme.code).where(Programme.code.in_([p.code for p in PROGRAMMES]))
        )
    )
    for entry in PROGRAMMES:
        if entry.code in existing:
            _report(progress, f"programme {entry.code}: already there, skipped")
            _skip(entry, summary)
        else:
            _report(progress, f"programme {entry.code}: loading")
            await _load_programme(session, entry, parties, summary)
    await _load_quality(session, summary, offers_at(scale, factor), progress)
    if scale == "full":
        await _load_delivery(session, summary, factor, progress)
    return summary


async def _load_quality(
    session: AsyncSession,
    summary: DemoSummary,
    offers: int,
    progress: Callable[[str], None] | None,
) -> None:
    """GEN's calls, labels and lots (demo/quality), once: a second load finds them there."""
    await session.flush()
    started = time.perf_counter()
    created = await load_quality(session, offers=offers)
    seconds = time.perf_counter() - started
    done = f"{created.labels} labels in {seconds:.1f} s" if created else "already there, skipped"
    _report(progress, f"quality of FR-GEN-LABEL: {done}")
    tally = created or await quality_there(session)
    for f in fields(QualityTally):
        counted = getattr(summary, f.name)
        if created:
            counted.created += getattr(tally, f.name)
        else:
            counted.skipped += getattr(tally, f.name)


async def _load_delivery(
    session: AsyncSession,
    summary: DemoSummary,
    factor: float,
    progress: Callable[[str], None] | None,
) -> None:
    # The generator reads the programmes and parties back through SQL: they must be flushed.
    await session.flush()
    loaded = await load_full(session, SYSTEM, factor=factor, progress=progress)
    for name, counted in loaded.items():
        tally = getattr(summary, name)
        tally.created += counted.created
        tally.skipped += counted.skipped


async def _load_parties(
    session: AsyncSession, entries: Iterable[PartyEntry], tally: Tally
) -> dict[str, Party]:
    """Every catalogue party by code, creating the missing ones parent first."""
    entries = list(entries)
    codes = [e.code for e in entries]
    parties = {p.code: p for p in await session.scalars(select(Party).where(Party.code.in_(codes)))}
    for entry in entries:
        if entry.code in parties:
            tally.skipped += 1
            continue
        parent = parties[entry.parent] if entry.parent else None
        party = _row(
            Party,
            entry,
            parent_id=parent.id if parent else None,
            path=path_of(parent.path if parent else None, entry.code),
        )
        session.add(party)
        # A child needs its parent's id, which only a flush assigns.
        await session.flush()
        parties[entry.code] = party
        tally.created += 1
    return parties


def _row(model: type[Row], entry: object, **translated: Any) -> Row:
    """A `model` row of the entry's UNCHANGED fields and the `translated` ones."""
    unchanged = {name: getattr(entry, name) for name in UNCHANGED[model].split()}
    return model(**unchanged, **translated)


def _report(progress: Callable[[str], None] | None, message: str) -> None:
    if progress is not None:
        progress(message)


def _skip(entry: ProgrammeEntry, summary: DemoSummary) -> None:
    summary.programmes.skipped += 1
    summary.agreements.skipped += len(entry.agreements)
    summary.responsibilities.skipped += len(entry.responsibilities)
    summary.escalations.skipped += len(entry.escalations)
    summary.fee_schedules.skipped += len(entry.fee_schedules)
    summary.budget_lines.skipped += len(entry.budget_lines)
    summary.commitments.skipped += len(entry.commitments)
    summary.disbursements.skipped += sum(len(c.tranches) for c in entry.commitments)


async def _load_programme(
    session: AsyncSession, entry: ProgrammeEntry, parties: dict[str, Party], summary: DemoSummary
) -> None:
    joined_at = dt.datetime.combine(entry.starts_on, dt.time(), tzinfo=dt.UTC)
    programme = _programme(entry, parties)
    # Set up by its owner when it began, as every dated row under it says.
    programme.created_at = programme.updated_at = joined_at
    session.add(programme)
    await session.flush()
    await record(
        session,
        SYSTEM,
        action="loadDemo",
        entity_type="Programme",
        entity_pk=programme.id,
        before=None,
        after=snapshot(programme),
        programme_id=programme.id,
    )
    session.add_all(
        Participant(
            programme_id=programme.id,
            party_id=parties[p.party].id,
            role=p.role,
            joined_at=joined_at,
        )
        for p in entry.participants
    )
    agreements = {
        a.title: await _agreement(session, programme, a, parties, joined_at)
        for a in entry.agreements
    }
    responsibilities = {
        r.title: await _responsibility(
            session, programme, r, parties, agreements, demo_sub(entry.owner)
        )
        for r in entry.responsibilities
    }
    session.add_all(_escalation(programme, e, parties, responsibilities) for e in entry.escalations)
    await session.flush()
    money = await load_funding(session, programme, entry, parties, agreements)
    summary.fee_schedules.created += money.fee_schedules
    summary.budget_lines.created += money.budget_lines
    summary.commitments.created += money.commitments
    summary.disbursements.created += money.disbursements
    summary.programmes.created += 1
    summary.agreements.created += len(entry.agreements)
    summary.responsibilities.created += len(entry.responsibilities)
    summary.escalations.created += len(entry.escalations)


def _programme(entry: ProgrammeEntry, parties: dict[str, Party]) -> Programme:
    # Stored as the programme service stores them, so demo rows read like real ones.
    return _row(
        Programme,
        entry,
        owner_party_id=parties[entry.owner].id,
        tracks=[dict(t) for t in entry.tracks],
        targets=[dict(t) for t in entry.targets],
        eligibility_rules=[{**r, "allowed": list(r["allowed"])} for r in entry.eligibility_rules],
        priority_audiences=sorted(set(entry.priority_audiences)),
    )


async def _agreement(
    session: AsyncSession,
    programme: Programme,
    entry: AgreementEntry,
    parties: dict[str, Party],
    opened_at: dt.datetime,
) -> Agreement:
    # Drawn up by the owner just before the first signature (else when the programme began).
    signed = [s.signed_at for s in entry.parties if s.signed_at is not None]
    agreement = _row(
        Agreement,
        entry,
        programme_id=programme.id,
        created_at=min(signed, default=opened_at),
        updated_at=max(signed, default=opened_at),
    )
    session.add(agreement)
    await session.flush()
    session.add_all(
        AgreementParty(
            agreement_id=agreement.id,
            party_id=parties[s.party].id,
            role=s.role,
            signed_at=s.signed_at,
            signed_by=demo_sub(s.party) if s.signed_at else None,
        )
        for s in entry.parties
    )
    return agreement


async def _responsibility(
    session: AsyncSession,
    programme: Programme,
    entry: ResponsibilityEntry,
    parties: dict[str, Party],
    agreements: dict[str, Agreement],
    assigned_by: str,
) -> Responsibility:
    assignee = parties[entry.assignee]
    last_change = entry.updates[-1].at if entry.updates else entry.assigned_at
    responsibility = _row(
        Responsibility,
        entry,
        programme_id=programme.id,
        agreement_id=agreements[entry.agreement].id if entry.agreement else None,
        assignee_party_id=assignee.id,
        # Assigned by a coordinator of the owner, the only one who may (assignResponsibility).
        created_by=assigned_by,
        created_at=entry.assigned_at,
        updated_at=last_change,
    )
    session.add(responsibility)
    await session.flush()
    # Only the assignee reports progress, so every update is authored by it.
    session.add_all(
        _row(
            ProgressUpdate,
            u,
            responsibility_id=responsibility.id,
            programme_id=programme.id,
            author_sub=demo_sub(entry.assignee),
            author_party_id=assignee.id,
        )
        for u in entry.updates
    )
    return responsibility


def _escalation(
    programme: Programme,
    entry: EscalationEntry,
    parties: dict[str, Party],
    responsibilities: dict[str, Responsibility],
) -> Escalation:
    about = responsibilities[entry.responsibility] if entry.responsibility else None
    return _row(
        Escalation,
        entry,
        programme_id=programme.id,
        responsibility_id=about.id if about else None,
        raised_by_party_id=parties[entry.raised_by].id,
        addressed_to_party_id=parties[entry.addressed_to].id,
        raised_by_sub=demo_sub(entry.raised_by),
    )
