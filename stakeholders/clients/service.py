"""Registering and revoking machine clients; each change is audited, the caller commits."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from auth.clients import hash_secret, new_client_id, new_secret
from auth.errors import Unauthenticated
from auth.identity import check_roles
from auth.principal import Principal
from stakeholders.clients.models import OAuthClient
from stakeholders.clients.repository import client_by_client_id
from stakeholders.db import utcnow
from stakeholders.errors import BadInput, Conflict, NotFound
from stakeholders.parties.repository import subtree_of
from stakeholders.writes import record_change

__all__ = ["RegisteredClient", "register_client", "revoke_client"]

NAME_MAX = 200


@dataclass(frozen=True, slots=True)
class RegisteredClient:
    """A new client and its secret: the only time the secret exists outside the caller's hands."""

    client_id: str
    client_secret: str
    name: str
    party_code: str
    roles: tuple[str, ...]


async def register_client(
    session: AsyncSession,
    principal: Principal,
    *,
    party_code: str,
    name: str,
    roles: Sequence[str],
) -> RegisteredClient:
    """Register a client acting for `party_code` with `roles`, which must fit the party's kind."""
    name = name.strip()
    if not name or len(name) > NAME_MAX:
        raise BadInput(f"name must have 1 to {NAME_MAX} characters", field="name")
    found = await subtree_of(session, party_code)
    if found is None:
        raise NotFound(f"no party has the code {party_code!r}")
    party_id, kind, _ = found
    try:
        fitting = check_roles(roles, kind)
    except Unauthenticated as exc:
        raise BadInput(exc.message.removeprefix("token rejected: "), field="role") from None
    secret = new_secret()
    client = OAuthClient(
        client_id=new_client_id(),
        name=name,
        party_id=party_id,
        roles=sorted(role.value for role in fitting),
        secret_hash=hash_secret(secret),
    )
    session.add(client)
    await _audited(session, principal, "registerClient", client, before=None)
    return RegisteredClient(client.client_id, secret, name, party_code, tuple(client.roles))


async def revoke_client(
    session: AsyncSession, principal: Principal, *, client_id: str
) -> OAuthClient:
    """Revoke `client_id`: it gets no more tokens, and those it holds are refused from the next
    request in this process, within 2 s in the others (gateway.principal_cache)."""
    client = await client_by_client_id(session, client_id)
    if client is None:
        raise NotFound(f"no client has the id {client_id!r}")
    if client.revoked_at is not None:
        raise Conflict(
            f"client {client_id} was already revoked at {client.revoked_at:%Y-%m-%d %H:%M} UTC"
        )
    before = _described(client)
    client.revoked_at = utcnow()
    await _audited(session, principal, "revokeClient", client, before=before)
    return client


async def _audited(
    session: AsyncSession,
    principal: Principal,
    action: str,
    client: OAuthClient,
    *,
    before: dict[str, Any] | None,
) -> None:
    await session.flush()
    await record_change(
        session,
        principal,
        action=action,
        entity_type="OAuthClient",
        entity_pk=client.id,
        before=before,
        after=_described(client),
    )


def _described(client: OAuthClient) -> dict[str, Any]:
    # Never the secret's hash: the audit trail is readable by auditors and parties.
    return {
        "client_id": client.client_id,
        "name": client.name,
        "party_id": client.party_id,
        "roles": list(client.roles),
        "revoked_at": client.revoked_at.isoformat() if client.revoked_at else None,
    }
