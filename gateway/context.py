"""The per-request context: caller, session, loaders."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import cast

from fastapi import Response
from sqlalchemy.ext.asyncio import AsyncSession
from starlette.requests import HTTPConnection
from strawberry.fastapi import BaseContext

from auth.principal import ANONYMOUS, Principal
from auth.tokens import SigningKeys
from auth.trusted import TrustedIssuers
from gateway.db import Database
from gateway.identity import authenticate, rescope
from gateway.principal_cache import PrincipalCache
from gateway.settings import Settings
from stakeholders.common.context import RequestContext
from stakeholders.common.loading import Loaders
from stakeholders.live.broker import Broker

__all__ = ["Hub", "HubContext", "get_context"]


@dataclass
class Hub:
    """What one hub process holds for all requests (no per-user state: processes scale out;
    the principals it caches are rebuilt from the database, gateway.principal_cache)."""

    settings: Settings
    database: Database
    keys: SigningKeys
    trusted: TrustedIssuers = field(default_factory=TrustedIssuers)
    principals: PrincipalCache = field(default_factory=PrincipalCache)
    # Hands committed changes to this process's subscriptions (WS /graphql).
    live: Broker | None = None

    async def caller(self, authorization: str | None) -> Principal:
        """Who presents this Authorization header, checked as every HTTP entry point checks."""
        return await authenticate(
            authorization,
            keys=self.keys,
            issuer=self.settings.issuer,
            audience=self.settings.audience,
            database=self.database,
            trusted=self.trusted,
            cache=self.principals,
        )


@dataclass
class HubContext(RequestContext, BaseContext):
    pass


async def get_context(
    request: HTTPConnection,
    response: Response = None,  # type: ignore[assignment]
) -> AsyncIterator[HubContext]:
    """An HTTP request's caller and session; a WebSocket's context is filled at
    connection_init (gateway.live), and each event it delivers opens its own session."""
    hub: Hub = request.app.state.hub
    if request.scope["type"] == "websocket":
        yield HubContext(
            session=cast(AsyncSession, None),
            principal=ANONYMOUS,
            loaders=cast(Loaders, None),
            max_page_size=hub.settings.max_page_size,
            request=request,
            rescope=rescope,
        )
        return
    principal = await hub.caller(request.headers.get("authorization"))
    async with hub.database.sessions() as session:
        yield HubContext(
            session=session,
            principal=principal,
            loaders=Loaders(session, principal, hub.database.dialect),
            max_page_size=hub.settings.max_page_size,
            min_cell_size=hub.settings.min_cell_size,
            request=request,
            response=response,
            rescope=rescope,
        )
