"""Reading the coordination core: readable rows per type, and what a party's subtree reaches."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Select, literal, select, union_all
from sqlalchemy.ext.asyncio import AsyncSession

from auth.principal import Principal
from stakeholders.common.access import in_keys, readable_select
from stakeholders.db import table_of
from stakeholders.programmes.models import (
    Agreement,
    AgreementParty,
    Escalation,
    Participant,
    Programme,
    ProgressUpdate,
    Responsibility,
)

__all__ = [
    "AGREEMENTS",
    "AGREEMENT_PARTIES",
    "ESCALATIONS",
    "PARTICIPANTS",
    "PROGRAMMES",
    "RESPONSIBILITIES",
    "UPDATES",
    "Reach",
    "programme_reach",
    "readable_agreements",
    "readable_escalations",
    "readable_programmes",
    "readable_responsibilities",
    "readable_updates",
    "with_programme",
]

PROGRAMMES = table_of(Programme)
PARTICIPANTS = table_of(Participant)
AGREEMENTS = table_of(Agreement)
AGREEMENT_PARTIES = table_of(AgreementParty)
RESPONSIBILITIES = table_of(Responsibility)
UPDATES = table_of(ProgressUpdate)
ESCALATIONS = table_of(Escalation)


def readable_programmes(principal: Principal) -> Select[Any]:
    return readable_select("Programme", PROGRAMMES, principal)


def readable_agreements(principal: Principal) -> Select[Any]:
    return readable_select("Agreement", AGREEMENTS, principal)


def readable_responsibilities(principal: Principal) -> Select[Any]:
    return readable_select("Responsibility", RESPONSIBILITIES, principal)


def readable_updates(principal: Principal) -> Select[Any]:
    return readable_select("ProgressUpdate", UPDATES, principal)


def readable_escalations(principal: Principal) -> Select[Any]:
    return readable_select("Escalation", ESCALATIONS, principal)


def with_programme(_: Principal) -> Select[Any]:
    """Participants of a programme: shown wherever the programme itself may be seen."""
    return select(PARTICIPANTS)


def with_agreement(_: Principal) -> Select[Any]:
    """The parties of an agreement: shown wherever the agreement itself may be seen."""
    return select(AGREEMENT_PARTIES)


EVERY = "*"


@dataclass(frozen=True)
class Reach:
    """The programmes a party subtree takes part in, those it owns, its roles in each, and the
    state of every programme."""

    programmes: frozenset[int]
    owned: frozenset[int]
    roles: Mapping[int, frozenset[str]]
    states: Mapping[int, str]


async def programme_reach(session: AsyncSession, subtree: Iterable[int], dialect: str) -> Reach:
    """What the parties of `subtree` reach through programmes, in one statement."""
    ids = list(subtree)
    owned = select(
        PROGRAMMES.c.id.label("programme_id"),
        literal("OWNER").label("role"),
        PROGRAMMES.c.status,
    ).where(in_keys(PROGRAMMES.c.owner_party_id, ids, dialect))
    joined = (
        select(PARTICIPANTS.c.programme_id, PARTICIPANTS.c.role, PROGRAMMES.c.status)
        .join(PROGRAMMES, PROGRAMMES.c.id == PARTICIPANTS.c.programme_id)
        .where(in_keys(PARTICIPANTS.c.party_id, ids, dialect))
    )
    # Every programme's state, not only of those reached: what an action may do depends on it
    # whichever relation grants the action (a district need not take part to decide).
    every = select(PROGRAMMES.c.id, literal(EVERY).label("role"), PROGRAMMES.c.status)
    roles: dict[int, set[str]] = defaultdict(set)
    states: dict[int, str] = {}
    for row in (await session.execute(union_all(owned, joined, every))).all():
        states[row.programme_id] = str(row.status)
        if row.role != EVERY:
            roles[row.programme_id].add(str(row.role))
    return Reach(
        programmes=frozenset(roles),
        owned=frozenset(p for p, r in roles.items() if "OWNER" in r),
        roles={p: frozenset(r) for p, r in roles.items()},
        states=states,
    )
