"""Reading a programme's cast (its parties by role, its delivery rules) from the database."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from auth.roles import PartyKind
from demo.scale.plan import Cast
from stakeholders.db import table_of
from stakeholders.parties.models import Party
from stakeholders.programmes.enums import ParticipantRole
from stakeholders.programmes.models import Participant, Programme

__all__ = ["read_cast"]

PARTIES = table_of(Party)
PARTICIPANTS = table_of(Participant)
PROGRAMMES = table_of(Programme)


async def read_cast(session: AsyncSession, programme_code: str) -> Cast | None:
    """The programme's cast, or None when the programme is not in the database."""
    programme = (
        await session.execute(select(PROGRAMMES).where(PROGRAMMES.c.code == programme_code))
    ).one_or_none()
    if programme is None:
        return None
    taking_part = await _taking_part(session, programme.id)
    roles = _roles(taking_part)
    districts = roles.get(ParticipantRole.DISTRICT) or await _country_districts(
        session, programme.owner_party_id
    )
    known = {r.code: (r.id, r.name) for r in taking_part} | await _parties(session, districts)
    return Cast(
        programme_id=programme.id,
        programme_code=programme.code,
        pass_mark=programme.pass_mark,
        minimum_attendance=programme.minimum_attendance,
        starts_on=programme.starts_on,
        ends_on=programme.ends_on,
        tracks={t["code"]: t["name"] for t in programme.tracks or []},
        ids={code: pk for code, (pk, _) in known.items()},
        names={code: name for code, (_, name) in known.items()},
        roles=roles,
        districts=districts,
        sponsors=_sponsors(taking_part),
    )


async def _taking_part(session: AsyncSession, programme_id: int) -> Sequence[Any]:
    """The programme's participants, in the order they joined: code, id, name, kind, role."""
    columns = (PARTIES.c.code, PARTIES.c.id, PARTIES.c.name, PARTIES.c.kind, PARTICIPANTS.c.role)
    stmt = (
        select(*columns)
        .join(PARTICIPANTS, PARTICIPANTS.c.party_id == PARTIES.c.id)
        .where(PARTICIPANTS.c.programme_id == programme_id)
        .order_by(PARTICIPANTS.c.id)
    )
    return (await session.execute(stmt)).all()


def _roles(taking_part: Sequence[Any]) -> dict[ParticipantRole, tuple[str, ...]]:
    roles: dict[ParticipantRole, tuple[str, ...]] = {}
    for row in taking_part:
        role = ParticipantRole(row.role)
        roles[role] = (*roles.get(role, ()), row.code)
    return roles


async def _country_districts(session: AsyncSession, owner_party_id: int) -> tuple[str, ...]:
    """DISTRICT parties of the owner's country, for a programme that names none of its own."""
    owner_country = (
        select(PARTIES.c.country).where(PARTIES.c.id == owner_party_id).scalar_subquery()
    )
    codes = await session.scalars(
        select(PARTIES.c.code)
        .where(PARTIES.c.kind == PartyKind.DISTRICT, PARTIES.c.country == owner_country)
        .order_by(PARTIES.c.id)
    )
    return tuple(codes)


async def _parties(session: AsyncSession, codes: tuple[str, ...]) -> dict[str, tuple[int, str]]:
    if not codes:
        return {}
    rows = await session.execute(
        select(PARTIES.c.code, PARTIES.c.id, PARTIES.c.name).where(PARTIES.c.code.in_(codes))
    )
    return {r.code: (r.id, r.name) for r in rows}


def _sponsors(taking_part: Sequence[Any]) -> tuple[str, ...]:
    """SPONSOR parties taking part as EMPLOYER; else any SPONSOR party taking part."""
    sponsors = [r for r in taking_part if r.kind == PartyKind.SPONSOR]
    employers = [r for r in sponsors if r.role == ParticipantRole.EMPLOYER] or sponsors
    return tuple(dict.fromkeys(r.code for r in employers))
