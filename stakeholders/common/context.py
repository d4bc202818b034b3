"""What a resolver finds in `info.context`: built per request by the gateway."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from sqlalchemy.ext.asyncio import AsyncSession

from auth.principal import Principal

if TYPE_CHECKING:
    from stakeholders.common.loading import Loaders

__all__ = ["RequestContext"]


@dataclass
class RequestContext:
    session: AsyncSession
    principal: Principal
    loaders: Loaders
    max_page_size: int = 100
    # Published indicator cells smaller than this are suppressed (ACCORD_MIN_CELL_SIZE).
    min_cell_size: int = 10
    request: Any = None
    response: Any = None
    # Recomputes what the caller's party reaches, in this request's transaction: a mutation
    # may have made the caller's party the owner or a participant of a programme.
    rescope: Callable[[RequestContext], Awaitable[Principal]] | None = None
    extras: dict[str, Any] = field(default_factory=dict)

    @property
    def dialect(self) -> str:
        return self.loaders.dialect
