"""Reading machine clients: the unrevoked client a token request names, with its party."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from auth.roles import PartyKind
from stakeholders.clients.models import OAuthClient
from stakeholders.db import table_of
from stakeholders.parties.repository import PARTIES

__all__ = ["CLIENTS", "ActiveClient", "active_client", "client_by_client_id"]

CLIENTS = table_of(OAuthClient)


@dataclass(frozen=True, slots=True)
class ActiveClient:
    """An unrevoked client and what its tokens say: its party's code and kind, its roles."""

    client_id: str
    secret_hash: str
    party_code: str
    party_kind: PartyKind
    roles: tuple[str, ...]


async def active_client(session: AsyncSession, client_id: str) -> ActiveClient | None:
    """The unrevoked client `client_id` joined to its party, or None; one statement."""
    stmt = (
        select(
            CLIENTS.c.client_id,
            CLIENTS.c.secret_hash,
            CLIENTS.c.roles,
            PARTIES.c.code,
            PARTIES.c.kind,
        )
        .join(PARTIES, PARTIES.c.id == CLIENTS.c.party_id)
        .where(CLIENTS.c.client_id == client_id, CLIENTS.c.revoked_at.is_(None))
    )
    row = (await session.execute(stmt)).one_or_none()
    if row is None:
        return None
    return ActiveClient(
        client_id=row.client_id,
        secret_hash=row.secret_hash,
        party_code=row.code,
        party_kind=PartyKind(row.kind),
        roles=tuple(row.roles),
    )


async def client_by_client_id(session: AsyncSession, client_id: str) -> OAuthClient | None:
    """The client `client_id` as an entity to change, revoked or not."""
    return await session.scalar(select(OAuthClient).where(OAuthClient.client_id == client_id))
