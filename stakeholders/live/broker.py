"""One process's fan-out: the outbox read once per wake-up, each row handed to the inboxes of
the subscriptions it concerns.

A broker is woken after this process commits an announced change (stakeholders.live.outbox)
and, on PostgreSQL, by its listener when another process did (stakeholders.live.listener).
Either way it reads the rows after the last one it delivered, so a wake-up lost or doubled
costs nothing: ids grow in commit order (stakeholders.live.models), and the next read finds
what the missed one would have.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import logging
from collections import defaultdict, deque
from collections.abc import AsyncGenerator, AsyncIterator, Callable, Coroutine
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Row, func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from stakeholders.errors import LimitExceeded
from stakeholders.live import outbox
from stakeholders.live.outbox import OUTBOX

__all__ = ["SCOPES", "Broker", "Change", "Interest"]

log = logging.getLogger("accord.live")

# The columns a subscription may be scoped by.
SCOPES = ("programme_id", "cohort_id")
BATCH = 500
INBOX_LIMIT = 1_000
# Events read at once by this process, whatever the number of subscribers: most of the pool's
# connections stay available to HTTP requests, and the first subscribers hear soonest.
CONCURRENT_READS = 4


@dataclass(frozen=True, slots=True)
class Change:
    """One outbox row: which row of which type changed, by which action, when."""

    id: int
    at: dt.datetime
    topic: str
    entity_pk: int
    action: str
    programme_id: int | None
    cohort_id: int | None

    @classmethod
    def from_row(cls, row: Row[Any]) -> Change:
        return cls(
            row.id, row.at, row.topic, row.entity_pk, row.action, row.programme_id, row.cohort_id
        )


@dataclass(frozen=True, slots=True)
class Interest:
    """What a subscription listens to: changes of `topic` whose `scope` column is `key`."""

    topic: str
    scope: str
    key: int


class Inbox:
    """A subscriber's unread changes. One that falls `limit` behind is cut off rather than let
    the process's memory grow: it resumes with `after:`, from the table."""

    def __init__(self, limit: int = INBOX_LIMIT) -> None:
        self.changes: deque[Change] = deque()
        self.ready = asyncio.Event()
        self.limit = limit
        self.overflowed = False

    def offer(self, change: Change) -> None:
        if len(self.changes) >= self.limit:
            self.overflowed = True
        else:
            self.changes.append(change)
        self.ready.set()

    async def next(self, last: int) -> Change:
        while not self.changes:
            if self.overflowed:
                raise LimitExceeded(
                    f"more than {self.limit} changes were left unread: subscribe again "
                    f"with after: {last}",
                    limit=self.limit,
                )
            self.ready.clear()
            await self.ready.wait()
        return self.changes.popleft()


Sessions = async_sessionmaker[AsyncSession]


class Broker:
    """Reads the outbox for this process's subscriptions; started on first use."""

    def __init__(
        self,
        sessions: Sessions,
        *,
        listen: Callable[[Broker], Coroutine[Any, Any, None]] | None = None,
    ) -> None:
        self._sessions = sessions
        self._listen = listen
        self._inboxes: dict[tuple[str, str, int], set[Inbox]] = defaultdict(set)
        self._delivered: int = 0
        self._pending = asyncio.Event()
        self._tasks: list[asyncio.Task[None]] = []
        self._starting = asyncio.Lock()
        # Every subscription's reading of an event takes one (stakeholders.live.link).
        self.reads = asyncio.Semaphore(CONCURRENT_READS)

    @property
    def delivered(self) -> int:
        """The id of the newest change handed to inboxes (0 before any)."""
        return self._delivered

    def wake(self) -> None:
        """New rows may be in the outbox (a commit here, a NOTIFY from elsewhere)."""
        self._pending.set()

    async def start(self) -> None:
        async with self._starting:
            if self._tasks:
                return
            async with self._sessions() as session:
                self._delivered = int(await session.scalar(select(func.max(OUTBOX.c.id))) or 0)
            outbox.on_commit(self)
            self._tasks.append(asyncio.create_task(self._pump(), name="accord-live-pump"))
            if self._listen is not None:
                listening = self._listen(self)
                self._tasks.append(asyncio.create_task(listening, name="accord-live-listen"))

    async def stop(self) -> None:
        tasks, self._tasks = self._tasks, []
        for task in tasks:
            task.cancel()
        for task in tasks:
            with contextlib.suppress(asyncio.CancelledError):
                await task

    async def changes(self, interest: Interest, after: int | None) -> AsyncGenerator[Change, None]:
        """The changes of `interest`: those after `after` from the table first, when given,
        then each one as it is committed, in id order and none twice."""
        await self.start()
        inbox = Inbox()
        key = (interest.topic, interest.scope, interest.key)
        # Registered before the history is read: what commits meanwhile is queued, not lost.
        self._inboxes[key].add(inbox)
        try:
            last = self._delivered if after is None else after
            if after is not None:
                async for change in self._history(interest, after):
                    last = change.id
                    yield change
            while True:
                change = await inbox.next(last)
                if change.id > last:
                    last = change.id
                    yield change
        finally:
            self._inboxes[key].discard(inbox)
            if not self._inboxes[key]:
                del self._inboxes[key]

    async def _history(self, interest: Interest, after: int) -> AsyncIterator[Change]:
        """The stored changes of `interest` after `after`, read a batch at a time (no session
        stays open while the subscriber handles them)."""
        scope = OUTBOX.c[interest.scope]
        while True:
            stmt = (
                select(OUTBOX)
                .where(OUTBOX.c.id > after, OUTBOX.c.topic == interest.topic, scope == interest.key)
                .order_by(OUTBOX.c.id)
                .limit(BATCH)
            )
            async with self._sessions() as session:
                rows = (await session.execute(stmt)).all()
            for row in rows:
                after = row.id
                yield Change.from_row(row)
            if len(rows) < BATCH:
                return

    async def _pump(self) -> None:
        while True:
            await self._pending.wait()
            self._pending.clear()
            try:
                await self._deliver()
            except Exception as exc:  # the database away: try again, the rows wait in the table
                log.warning("live: reading the outbox failed: %s", type(exc).__name__)
                await asyncio.sleep(1)
                self._pending.set()

    async def _deliver(self) -> None:
        while True:
            stmt = (
                select(OUTBOX)
                .where(OUTBOX.c.id > self._delivered)
                .order_by(OUTBOX.c.id)
                .limit(BATCH)
            )
            async with self._sessions() as session:
                rows = (await session.execute(stmt)).all()
            for row in rows:
                self._hand_out(Change.from_row(row))
            if len(rows) < BATCH:
                return

    def _hand_out(self, change: Change) -> None:
        self._delivered = change.id
        for scope in SCOPES:
            key = getattr(change, scope)
            if key is None:
                continue
            for inbox in self._inboxes.get((change.topic, scope, key), ()):
                inbox.offer(change)
