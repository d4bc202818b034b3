"""Factories with keyword overrides, and a small world of parties around one programme."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from auth.roles import PartyKind
from stakeholders.parties.models import Party
from stakeholders.parties.repository import path_of
from stakeholders.programmes.enums import ParticipantRole, ProgrammeStatus, ResponsibilityStatus
from stakeholders.programmes.models import (
    Agreement,
    AgreementParty,
    Escalation,
    Participant,
    Programme,
    ProgressUpdate,
    Responsibility,
)


async def create_party(
    session: AsyncSession,
    code: str,
    kind: PartyKind,
    *,
    parent: Party | None = None,
    name: str | None = None,
    country: str = "VN",
) -> Party:
    party = Party(
        code=code,
        name=name or f"Party {code}",
        kind=kind,
        country=country,
        parent_id=parent.id if parent else None,
        path=path_of(parent.path if parent else None, code),
    )
    session.add(party)
    await session.flush()
    return party


async def create_programme(
    session: AsyncSession, owner: Party, *, code: str = "PROG-1", **overrides: Any
) -> Programme:
    values: dict[str, Any] = {
        "name": f"Programme {code}",
        "status": ProgrammeStatus.ACTIVE,
        "starts_on": dt.date(2025, 1, 1),
        "ends_on": dt.date(2030, 12, 31),
        "currency": "VND",
        "budget_minor": 1_000_000_000,
        "tracks": [{"code": "AI", "name": "Trí tuệ nhân tạo"}],
        "targets": [],
        "eligibility_rules": [],
        "priority_audiences": [],
    }
    values.update(overrides)
    programme = Programme(code=code, owner_party_id=owner.id, **values)
    session.add(programme)
    await session.flush()
    session.add(Participant(programme_id=programme.id, party_id=owner.id, role="OWNER"))
    await session.flush()
    return programme


async def add_participant(
    session: AsyncSession, programme: Programme, party: Party, role: ParticipantRole
) -> None:
    session.add(Participant(programme_id=programme.id, party_id=party.id, role=role))
    await session.flush()


async def create_responsibility(
    session: AsyncSession, programme: Programme, assignee: Party, **overrides: Any
) -> Responsibility:
    values: dict[str, Any] = {
        "title": "Record attendance",
        "description": "Every session day",
        "due_on": dt.date(2030, 6, 30),
        "status": ResponsibilityStatus.PLANNED,
        "progress": 0,
        "created_by": "factory",
    }
    values.update(overrides)
    responsibility = Responsibility(
        programme_id=programme.id, assignee_party_id=assignee.id, **values
    )
    session.add(responsibility)
    await session.flush()
    return responsibility


async def add_update(
    session: AsyncSession, responsibility: Responsibility, author: Party, note: str
) -> None:
    session.add(
        ProgressUpdate(
            responsibility_id=responsibility.id,
            programme_id=responsibility.programme_id,
            author_sub="factory",
            author_party_id=author.id,
            status=responsibility.status,
            progress=responsibility.progress,
            note=note,
        )
    )
    await session.flush()


async def create_agreement(
    session: AsyncSession, programme: Programme, parties: list[tuple[Party, ParticipantRole]]
) -> Agreement:
    agreement = Agreement(programme_id=programme.id, kind="CONVENTION", title="Convention")
    session.add(agreement)
    await session.flush()
    for party, role in parties:
        session.add(AgreementParty(agreement_id=agreement.id, party_id=party.id, role=role))
    await session.flush()
    return agreement


async def create_escalation(
    session: AsyncSession, programme: Programme, raised_by: Party, addressed_to: Party
) -> Escalation:
    escalation = Escalation(
        programme_id=programme.id,
        raised_by_party_id=raised_by.id,
        addressed_to_party_id=addressed_to.id,
        subject="Agencies do not release staff",
        description="",
        status="OPEN",
        raised_by_sub="factory",
    )
    session.add(escalation)
    await session.flush()
    return escalation


@dataclass
class World:
    """A ministry owning one programme, with a district, a university, operators, a sponsor."""

    ministry: Party
    department: Party
    district: Party
    other_district: Party
    university: Party
    school: Party
    operator: Party
    other_operator: Party
    sponsor: Party
    foreign_ministry: Party
    programme: Programme
    responsibility: Responsibility


async def build_world(session: AsyncSession) -> World:
    ministry = await create_party(session, "MIN", PartyKind.MINISTRY, name="Ủy ban nhân dân tỉnh")
    department = await create_party(session, "MIN-HOME", PartyKind.MINISTRY, parent=ministry)
    district = await create_party(session, "DIST-1", PartyKind.DISTRICT, parent=ministry)
    other_district = await create_party(session, "DIST-2", PartyKind.DISTRICT, parent=ministry)
    university = await create_party(session, "UNI", PartyKind.UNIVERSITY)
    school = await create_party(session, "UNI-SCHOOL", PartyKind.UNIVERSITY, parent=university)
    operator = await create_party(session, "OP-1", PartyKind.OPERATOR, name="培训机构")
    other_operator = await create_party(session, "OP-2", PartyKind.OPERATOR)
    sponsor = await create_party(session, "BANK", PartyKind.SPONSOR, name="مصرف")
    foreign = await create_party(session, "FOREIGN-MIN", PartyKind.MINISTRY, country="FR")
    programme = await create_programme(session, ministry)
    for party, role in [
        (department, ParticipantRole.COORDINATOR),
        (district, ParticipantRole.DISTRICT),
        (university, ParticipantRole.HOST),
        (operator, ParticipantRole.OPERATOR),
        (sponsor, ParticipantRole.FUNDER),
    ]:
        await add_participant(session, programme, party, role)
    responsibility = await create_responsibility(session, programme, operator)
    await session.commit()
    return World(
        ministry,
        department,
        district,
        other_district,
        university,
        school,
        operator,
        other_operator,
        sponsor,
        foreign,
        programme,
        responsibility,
    )
