"""Reading parties: the readable rows and the subtree of a party."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Select, select
from sqlalchemy.ext.asyncio import AsyncSession

from auth.principal import Principal
from auth.roles import PartyKind
from stakeholders.common.access import readable_select
from stakeholders.db import table_of
from stakeholders.parties.models import Party

__all__ = ["PARTIES", "path_of", "readable_parties", "subtree_of"]

PARTIES = table_of(Party)


def readable_parties(principal: Principal) -> Select[Any]:
    """The parties `principal` may see."""
    return readable_select("Party", PARTIES, principal)


def path_of(parent_path: str | None, code: str) -> str:
    """The materialised path of a party; codes never hold '/', '%' or '_' (see CODE_PATTERN)."""
    return f"{parent_path or '/'}{code}/"


async def subtree_of(
    session: AsyncSession, code: str
) -> tuple[int, PartyKind, frozenset[int]] | None:
    """(id, kind, ids of the party and all below it) of the party `code`, in one statement."""
    root_path = select(PARTIES.c.path).where(PARTIES.c.code == code).scalar_subquery()
    stmt = select(PARTIES.c.id, PARTIES.c.kind, PARTIES.c.code).where(
        PARTIES.c.path.startswith(root_path)
    )
    rows = (await session.execute(stmt)).all()
    own = next((r for r in rows if r.code == code), None)
    if own is None:
        return None
    return own.id, PartyKind(own.kind), frozenset(r.id for r in rows)
