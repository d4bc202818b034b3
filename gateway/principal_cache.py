"""The principals of recent tokens, per process: knowing the caller costs no statement.

Building a Principal takes two statements (the party's subtree, the programmes it reaches)
before a request's own. A process keeps what it built, keyed by the token's SHA-256 (never the
token itself), for the token's lifetime at most and for `max_entries` tokens at most (least
recently used first out).

An entry stands while nothing it was built from has changed; stakeholders.audit.generation
counts the commits that change parties, programmes, participants or clients:
- in this process, a counter in memory, read on every request at no cost: a participant added
  or a client revoked through this process is seen by the very next request;
- across processes, the counter stored on the audit chain's head row, read in one statement
  at most every `recheck_seconds` (2 s) per process, not per request: a participant added or a
  client revoked through another hub process or an `accord` command is seen within 2 s.
Reading the stored counter on every request would cost the statement this cache exists to
save; a plain time-to-live would serve stale reach for that whole time and rebuild principals
nobody changed.
"""

from __future__ import annotations

import hashlib
import math
import time
from collections import OrderedDict
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession

from auth.principal import Principal
from gateway.db import Database
from stakeholders.audit.generation import local_generation, stored_generation

__all__ = ["PrincipalCache"]

Build = Callable[[AsyncSession], Awaitable[Principal]]


@dataclass(frozen=True, slots=True)
class _Entry:
    principal: Principal
    expires_at: float  # the token's exp (seconds since the epoch)
    local: int
    stored: int


class PrincipalCache:
    """Principals by token, valid while the identity generations stay where they were."""

    def __init__(
        self,
        *,
        max_entries: int = 10_000,
        recheck_seconds: float = 2.0,
        clock: Callable[[], float] = time.monotonic,
        wall_clock: Callable[[], float] = time.time,
    ) -> None:
        self.max_entries = max_entries
        self.recheck_seconds = recheck_seconds
        self._clock = clock
        self._wall_clock = wall_clock
        self._entries: OrderedDict[bytes, _Entry] = OrderedDict()
        self._stored = 0
        self._checked_at = -math.inf

    def __len__(self) -> int:
        return len(self._entries)

    async def principal(
        self, token: str, *, expires_at: float, database: Database, build: Build
    ) -> Principal:
        """The token's principal: the one built before if it still holds, else `build`'s."""
        key = hashlib.sha256(token.encode()).digest()
        now = self._clock()
        recheck = now - self._checked_at >= self.recheck_seconds
        entry = self._entries.get(key)
        if not recheck and entry is not None and self._holds(entry):
            self._entries.move_to_end(key)
            return entry.principal
        # Generations read before building: a change committed meanwhile outdates the entry.
        local = local_generation()
        async with database.sessions() as session:
            if recheck:
                self._checked_at = now
                self._stored = await stored_generation(session)
                if entry is not None and self._holds(entry):
                    self._entries.move_to_end(key)
                    return entry.principal
            principal = await build(session)
        self._keep(key, _Entry(principal, expires_at, local, self._stored))
        return principal

    def _holds(self, entry: _Entry) -> bool:
        return (
            entry.local == local_generation()
            and entry.stored == self._stored
            and self._wall_clock() < entry.expires_at
        )

    def _keep(self, key: bytes, entry: _Entry) -> None:
        self._entries[key] = entry
        self._entries.move_to_end(key)
        while len(self._entries) > self.max_entries:
            self._entries.popitem(last=False)
