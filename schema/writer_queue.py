"""One write transaction at a time per process and SQLite database, in arrival order.

SQLite lets one writer in at a time; the others wait in its busy handler, which sleeps and
retries (up to 100 ms apart) and serves whoever retries at the right moment, not whoever came
first. With 32 clients and 10% writes, a writer could wait 20 s while later ones went ahead
(`make soak`). Here a request's write transaction first waits its turn in an asyncio queue of
its process, then takes SQLite's lock (BEGIN IMMEDIATE): only one writer per process ever
polls for it, and within a process they go first come, first served.

The turn ends with the transaction (commit, rollback or the session closing under a
cancelled request), never later: `after_transaction_end` releases it.
"""

from __future__ import annotations

import asyncio
import weakref
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Session, SessionTransaction

from stakeholders.db import WRITE_INTENT

__all__ = ["begin_writing"]

_TURN = "accord.writer_turn"
# Per event loop (tests run several), per engine: an asyncio.Lock serves waiters in order.
_LOCKS: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, dict[int, asyncio.Lock]] = (
    weakref.WeakKeyDictionary()
)


def _lock_of(engine: Engine) -> asyncio.Lock:
    locks = _LOCKS.setdefault(asyncio.get_running_loop(), {})
    return locks.setdefault(id(engine.pool), asyncio.Lock())


async def begin_writing(session: AsyncSession) -> None:
    """Begin the session's transaction as a writer: SQLite's lock taken up front, in turn."""
    bind: Any = session.bind
    engine: Engine | None = getattr(bind, "sync_engine", None)
    if engine is None or engine.dialect.name != "sqlite":
        await session.connection(execution_options={WRITE_INTENT: True})
        return
    lock = _lock_of(engine)
    await lock.acquire()
    session.sync_session.info[_TURN] = lock
    try:
        await session.connection(execution_options={WRITE_INTENT: True})
    except BaseException:
        _release(session.sync_session)
        raise


def _release(session: Session) -> None:
    lock: asyncio.Lock | None = session.info.pop(_TURN, None)
    if lock is not None and lock.locked():
        lock.release()


@event.listens_for(Session, "after_transaction_end")
def _turn_ends(session: Session, transaction: SessionTransaction) -> None:
    if transaction.parent is None:
        _release(session)
