"""From an Authorization header to the request's Principal."""

from __future__ import annotations

import dataclasses

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from auth.errors import Unauthenticated
from auth.identity import PartyScope, build_principal
from auth.principal import ANONYMOUS, Principal
from auth.token_checks import peek
from auth.tokens import SigningKeys, TokenClaims, verify
from auth.trusted import TrustedIssuers
from gateway.db import Database
from gateway.principal_cache import PrincipalCache
from stakeholders.clients.repository import CLIENTS
from stakeholders.common.context import RequestContext
from stakeholders.parties.repository import subtree_of
from stakeholders.programmes.repository import programme_reach

__all__ = ["authenticate", "rescope"]


async def authenticate(
    authorization: str | None,
    *,
    keys: SigningKeys,
    issuer: str,
    audience: str,
    database: Database,
    trusted: TrustedIssuers | None = None,
    cache: PrincipalCache | None = None,
) -> Principal:
    """The caller of a request: anonymous without a header, refused with a bad one.

    With a `cache`, a token seen before costs no statement while nothing its principal was
    built from has changed (gateway.principal_cache)."""
    if authorization is None:
        return ANONYMOUS
    scheme, _, token = authorization.strip().partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise Unauthenticated("the Authorization header must be 'Bearer <access token>'")
    token = token.strip()
    claims = await _verified(token, keys=keys, issuer=issuer, audience=audience, trusted=trusted)

    async def build(session: AsyncSession) -> Principal:
        return await _principal(session, claims, own=claims.issuer == issuer, dialect=dialect)

    dialect = database.dialect
    if cache is None:
        # Its own short transaction: the request's session starts clean (SQLite write locks).
        async with database.sessions() as session:
            return await build(session)
    # Verified above, so its exp is there and trusted (every issuer's tokens must carry one).
    expires_at = float(peek(token).claims["exp"])
    return await cache.principal(token, expires_at=expires_at, database=database, build=build)


async def _principal(
    session: AsyncSession, claims: TokenClaims, *, own: bool, dialect: str
) -> Principal:
    """The principal of verified claims, from the party they name and what it reaches."""
    if own and await _revoked(session, claims.sub):
        raise Unauthenticated("token rejected: the client was revoked")
    found = await subtree_of(session, claims.party)
    scope = None
    if found is not None:
        party_id, kind, subtree = found
        reach = await programme_reach(session, subtree, dialect)
        scope = PartyScope(
            party_id, kind, subtree, reach.programmes, reach.owned, reach.roles, reach.states
        )
    return build_principal(claims, scope)


async def _revoked(session: AsyncSession, sub: str) -> bool:
    """Whether `sub` names a revoked machine client: its tokens stop with it, not at exp."""
    revoked_at = await session.scalar(
        select(CLIENTS.c.revoked_at).where(CLIENTS.c.client_id == sub)
    )
    return revoked_at is not None


async def _verified(
    token: str,
    *,
    keys: SigningKeys,
    issuer: str,
    audience: str,
    trusted: TrustedIssuers | None,
) -> TokenClaims:
    """Our own tokens by our keys, a trusted issuer's by its keys, any other issuer refused."""
    # Routing on the unverified iss is safe: each branch then verifies against its own keys.
    claimed = peek(token).issuer
    if claimed is None:
        raise Unauthenticated("token rejected: missing claim iss")
    if claimed == issuer:
        return verify(token, keys, issuer=issuer, audience=audience)
    if trusted is not None and trusted.knows(claimed):
        return await trusted.verify(token)
    raise Unauthenticated("token rejected: issuer not trusted")


async def rescope(context: RequestContext) -> Principal:
    """The caller with its programme reach read again through the request's own session."""
    principal = context.principal
    if principal.is_anonymous:
        return principal
    reach = await programme_reach(context.session, principal.subtree, context.loaders.dialect)
    return dataclasses.replace(
        principal,
        programmes=reach.programmes,
        owned_programmes=reach.owned,
        programme_roles=reach.roles,
        programme_states=reach.states,
    )
