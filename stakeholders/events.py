"""Domain events, handled inside the transaction that raised them.

An earlier area states what happened (a certificate was issued) without knowing who cares; a
later area registers a handler for it when its package loads (funding turns a first-time
certificate into a subsidy entitlement). The handler runs in the raiser's savepoint, so that
what it writes stands or falls with the change that caused it, and outcomes never imports
funding.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

from sqlalchemy.ext.asyncio import AsyncSession

from auth.principal import Principal

__all__ = ["handles", "raise_event"]

E = TypeVar("E")
Handler = Callable[[AsyncSession, Principal, Any], Awaitable[None]]

_HANDLERS: dict[type, list[Handler]] = defaultdict(list)


def handles(event_type: type[E]) -> Callable[[Handler], Handler]:
    """Register the decorated coroutine for every event of `event_type`, in import order."""

    def register(handler: Handler) -> Handler:
        if handler not in _HANDLERS[event_type]:
            _HANDLERS[event_type].append(handler)
        return handler

    return register


async def raise_event(session: AsyncSession, principal: Principal, event: object) -> None:
    """Run every handler of `event` now, in the caller's transaction."""
    for handler in _HANDLERS.get(type(event), ()):
        await handler(session, principal, event)
