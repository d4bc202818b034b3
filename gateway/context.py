"""The per-request context: caller, session, loaders."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass, field

from fastapi import Request, Response
from strawberry.fastapi import BaseContext

from auth.tokens import SigningKeys
from auth.trusted import TrustedIssuers
from gateway.db import Database
from gateway.identity import authenticate, rescope
from gateway.principal_cache import PrincipalCache
from gateway.settings import Settings
from stakeholders.common.context import RequestContext
from stakeholders.common.loading import Loaders

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


@dataclass
class HubContext(RequestContext, BaseContext):
    pass


async def get_context(request: Request, response: Response) -> AsyncIterator[HubContext]:
    hub: Hub = request.app.state.hub
    principal = await authenticate(
        request.headers.get("authorization"),
        keys=hub.keys,
        issuer=hub.settings.issuer,
        audience=hub.settings.audience,
        database=hub.database,
        trusted=hub.trusted,
        cache=hub.principals,
    )
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
