"""Rules of programmes, participants and agreements. Services flush, never commit."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from auth.principal import Principal
from stakeholders.audit.service import snapshot
from stakeholders.db import Base, utcnow
from stakeholders.errors import BadInput, Conflict
from stakeholders.programmes.enums import (
    AgreementKind,
    EligibilityCombination,
    ParticipantRole,
    ProgrammeStatus,
)
from stakeholders.programmes.models import Agreement, AgreementParty, Participant, Programme
from stakeholders.validation import check_code, check_currency, check_period, check_text
from stakeholders.writes import add_audited, audited, check_version, get_for_update

__all__ = [
    "AgreementPartySpec",
    "ProgrammeSpec",
    "add_participant",
    "create_agreement",
    "create_programme",
    "is_participant",
    "participant_roles",
    "sign_agreement",
    "update_programme_status",
]

M = TypeVar("M", bound=Base)

# A programme moves forward only: drafted, then running, then closed.
PROGRAMME_TRANSITIONS = {
    ProgrammeStatus.DRAFT: {ProgrammeStatus.ACTIVE},
    ProgrammeStatus.ACTIVE: {ProgrammeStatus.CLOSED},
    ProgrammeStatus.CLOSED: set(),
}


async def participant_roles(session: AsyncSession, programme_id: int, party_id: int) -> set[str]:
    """The roles `party_id` holds in the programme (empty: it does not take part)."""
    rows = await session.scalars(
        select(Participant.role).where(
            Participant.programme_id == programme_id, Participant.party_id == party_id
        )
    )
    return {str(r) for r in rows}


async def is_participant(session: AsyncSession, programme: Programme, party_id: int) -> bool:
    if programme.owner_party_id == party_id:
        return True
    found = await session.scalar(
        select(Participant.id).where(
            Participant.programme_id == programme.id, Participant.party_id == party_id
        )
    )
    return found is not None


@dataclass(frozen=True)
class ProgrammeSpec:
    code: str
    name: str
    status: ProgrammeStatus
    starts_on: dt.date
    ends_on: dt.date | None
    currency: str
    budget_minor: int | None
    tracks: Sequence[dict[str, str]]
    targets: Sequence[dict[str, Any]]
    eligibility_rules: Sequence[dict[str, Any]]
    priority_audiences: Sequence[str]
    eligibility_combination: EligibilityCombination = EligibilityCombination.ALL_OF
    minimum_attendance: int = 80
    pass_mark: int = 50


def _documents(spec: ProgrammeSpec) -> dict[str, Any]:
    """Tracks, rules and audiences, their texts checked like any other text."""
    tracks = [
        {
            "code": check_text(t["code"], field="tracks", max_length=40),
            "name": check_text(t["name"], field="tracks", max_length=200),
        }
        for t in spec.tracks
    ]
    rules = [
        {
            "criterion": check_text(r["criterion"], field="eligibilityRules", max_length=60),
            "allowed": [
                check_text(v, field="eligibilityRules", max_length=100) for v in r["allowed"]
            ],
            "description": check_text(
                r["description"], field="eligibilityRules", max_length=1000, required=False
            ),
        }
        for r in spec.eligibility_rules
    ]
    audiences = sorted(
        {check_text(a, field="priorityAudiences", max_length=60) for a in spec.priority_audiences}
    )
    return {"tracks": tracks, "eligibility_rules": rules, "priority_audiences": audiences}


def _checked(spec: ProgrammeSpec) -> dict[str, Any]:
    check_period(spec.starts_on, spec.ends_on, field="endsOn")
    if spec.budget_minor is not None and spec.budget_minor < 0:
        raise BadInput("budget must not be negative", field="budget")
    if not 0 <= spec.minimum_attendance <= 100:
        raise BadInput("minimumAttendance is a percentage (0 to 100)", field="minimumAttendance")
    if not 0 <= spec.pass_mark <= 100:
        raise BadInput("passMark is a score out of 100", field="passMark")
    documents = _documents(spec)
    codes = [t["code"] for t in documents["tracks"]]
    if len(set(codes)) != len(codes):
        raise BadInput("track codes must be unique", field="tracks")
    for target in spec.targets:
        if target["value"] < 0:
            raise BadInput("a target value must not be negative", field="targets")
        if target["periodEnd"] < target["periodStart"]:
            raise BadInput("a target period must not end before it starts", field="targets")
    return {
        "code": check_code(spec.code, field="code"),
        "name": check_text(spec.name, field="name", max_length=300),
        "status": spec.status,
        "starts_on": spec.starts_on,
        "ends_on": spec.ends_on,
        "currency": check_currency(spec.currency),
        "budget_minor": spec.budget_minor,
        "minimum_attendance": spec.minimum_attendance,
        "pass_mark": spec.pass_mark,
        "eligibility_combination": spec.eligibility_combination,
        "targets": [
            {
                **t,
                "periodStart": t["periodStart"].isoformat(),
                "periodEnd": t["periodEnd"].isoformat(),
            }
            for t in spec.targets
        ],
        **documents,
    }


async def create_programme(
    session: AsyncSession, principal: Principal, *, owner_party_id: int, spec: ProgrammeSpec
) -> Programme:
    """A new programme owned by `owner_party_id`, which also joins it as OWNER."""
    values = _checked(spec)
    if spec.status == ProgrammeStatus.CLOSED:
        raise BadInput("a new programme cannot be closed", field="status")
    if await session.scalar(select(Programme.id).where(Programme.code == values["code"])):
        raise Conflict(f"a programme with code {values['code']} exists already")
    programme = Programme(owner_party_id=owner_party_id, **values)
    session.add(programme)
    await session.flush()
    session.add(Participant(programme_id=programme.id, party_id=owner_party_id, role="OWNER"))
    await audited(session, principal, "createProgramme", programme, None)
    return programme


async def update_programme_status(
    session: AsyncSession,
    principal: Principal,
    *,
    programme_id: int,
    version: int,
    status: ProgrammeStatus,
) -> Programme:
    programme = await get_for_update(session, Programme, programme_id)
    check_version(programme, version)
    if status not in PROGRAMME_TRANSITIONS[ProgrammeStatus(programme.status)]:
        raise Conflict(f"a {programme.status} programme cannot become {status}")
    before = snapshot(programme)
    programme.status = status
    await audited(session, principal, "updateProgrammeStatus", programme, before)
    return programme


async def add_participant(
    session: AsyncSession,
    principal: Principal,
    *,
    programme_id: int,
    party_id: int,
    role: ParticipantRole,
) -> Participant:
    if role == ParticipantRole.OWNER:
        raise BadInput("a programme has one owner, set when it is created", field="role")
    exists = await session.scalar(
        select(Participant.id).where(
            Participant.programme_id == programme_id,
            Participant.party_id == party_id,
            Participant.role == role,
        )
    )
    if exists:
        raise Conflict("this party already takes part in this role")
    participant = Participant(programme_id=programme_id, party_id=party_id, role=role)
    return await add_audited(session, principal, "addParticipant", participant)


@dataclass(frozen=True)
class AgreementPartySpec:
    party_id: int
    role: ParticipantRole


async def create_agreement(
    session: AsyncSession,
    principal: Principal,
    *,
    programme: Programme,
    kind: AgreementKind,
    title: str,
    reference: str | None,
    parties: Sequence[AgreementPartySpec],
) -> Agreement:
    """An unsigned agreement between participants of the programme."""
    ids = [p.party_id for p in parties]
    if len(set(ids)) != len(ids) or len(ids) < 2:
        raise BadInput("an agreement binds at least two distinct parties", field="parties")
    for spec in parties:
        if not await is_participant(session, programme, spec.party_id):
            raise BadInput("every party must take part in the programme first", field="parties")
    agreement = Agreement(
        programme_id=programme.id,
        kind=kind,
        title=check_text(title, field="title", max_length=300),
        reference=check_text(reference, field="reference", max_length=100) if reference else None,
    )
    session.add(agreement)
    await session.flush()
    session.add_all(
        AgreementParty(agreement_id=agreement.id, party_id=p.party_id, role=p.role) for p in parties
    )
    await audited(session, principal, "createAgreement", agreement, None)
    return agreement


async def sign_agreement(
    session: AsyncSession, principal: Principal, *, agreement_id: int, version: int, party_id: int
) -> Agreement:
    """Record `party_id`'s signature; the agreement is signed on the day the last one signs."""
    agreement = await get_for_update(session, Agreement, agreement_id)
    check_version(agreement, version)
    signatory = await session.scalar(
        select(AgreementParty).where(
            AgreementParty.agreement_id == agreement_id, AgreementParty.party_id == party_id
        )
    )
    if signatory is None:
        raise BadInput("this party is not a party to the agreement", field="partyCode")
    if signatory.signed_at is not None:
        raise Conflict("this party has signed already")
    before = snapshot(agreement)
    now = utcnow()
    signatory.signed_at, signatory.signed_by = now, principal.sub
    await session.flush()
    unsigned = await session.scalar(
        select(AgreementParty.id).where(
            AgreementParty.agreement_id == agreement_id, AgreementParty.signed_at.is_(None)
        )
    )
    if unsigned is None:
        agreement.signed_on = now.date()
    agreement.updated_at = now  # every signature moves the agreement's version on
    await audited(
        session, principal, "signAgreement", agreement, before, {"signed_for_party_id": party_id}
    )
    return agreement
