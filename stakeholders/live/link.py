"""What one WebSocket connection gives its subscriptions, and how each event is read.

The connection has no database session of its own (one would live as long as the socket):
each event is read in a session opened for it, by the caller as it is at that moment (its
token checked again, its reach rebuilt when it changed), and closed once the event is sent.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from auth.errors import Forbidden
from auth.principal import Principal
from stakeholders.common.context import RequestContext
from stakeholders.common.loading import Loaders
from stakeholders.live.broker import Broker

__all__ = ["LIVE", "Link", "link_of"]

# Where the gateway puts the connection's Link in the context's extras.
LIVE = "accord.live"


@dataclass
class Link:
    broker: Broker
    sessions: async_sessionmaker[AsyncSession]
    dialect: str
    # The connection's caller, checked again (raises Unauthenticated once refused).
    caller: Callable[[], Awaitable[Principal]]
    # Ends the connection (4403) when the caller is refused mid-way (expired, revoked).
    refuse: Callable[[str], Awaitable[None]]

    @asynccontextmanager
    async def reading(self, context: RequestContext) -> AsyncIterator[RequestContext]:
        """`context` with a session, loaders and the caller of this one event."""
        async with self.broker.reads:
            principal = await self.caller()
            async with self.sessions() as session:
                saved = context.session, context.principal, context.loaders
                context.session, context.principal = session, principal
                context.loaders = Loaders(session, principal, self.dialect)
                try:
                    yield context
                finally:
                    context.session, context.principal, context.loaders = saved


def link_of(context: RequestContext) -> Link:
    link = context.extras.get(LIVE)
    if not isinstance(link, Link):
        raise Forbidden("subscriptions are served over WebSocket (graphql-transport-ws) only")
    return link
