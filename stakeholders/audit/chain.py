"""The audit chain inside one transaction: the head locked once, events written in batches.

A transaction's first event locks the head row (a no-op UPDATE: PostgreSQL then holds the row
lock and SQLite the write lock until commit) and reads it. Its later events are chained in
memory, each on the one before, and kept until the session leaves its savepoints: the first
statement the session runs outside any savepoint, or its commit, inserts them in one
multi-row INSERT; the commit writes the head once. Concurrent writers therefore still queue on
the head row and append one linear chain, at a few statements per transaction instead of
three per event (an import of 10,000 rows records 20,000 events).

Savepoints: every event remembers the savepoint it was recorded in. When a savepoint rolls
back, the events recorded in it or in savepoints inside it go too; savepoints nest, so these
are always the newest events, and the next event links to the newest survivor. When nothing
of the transaction survives, the head's lock may have gone with the savepoint that took it
(PostgreSQL releases a row lock taken inside a rolled-back savepoint), so the next event
locks and reads the head again.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field

from sqlalchemy import event, insert, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import ORMExecuteState, Session, SessionTransaction

from stakeholders.audit.models import AuditChain, AuditEvent
from stakeholders.db import table_of

__all__ = ["append", "next_link", "on_written"]

log = logging.getLogger("accord.audit")

EVENTS = table_of(AuditEvent)
_COLUMNS = tuple(c.key for c in EVENTS.columns if c.key != "id")
# Where a session keeps its transaction's chain (`Session.info` lives as long as the session).
_KEY = "accord.audit_chain"

# What later packages do with the events as they are inserted, in the same transaction (the
# live area's outbox): the audit trail stays below them and never imports them.
Written = Callable[[Session, list[AuditEvent]], None]
_ON_WRITTEN: list[Written] = []


def on_written(hook: Written) -> Written:
    """Call `hook` with each batch of events written, in their transaction, after the INSERT."""
    if hook not in _ON_WRITTEN:
        _ON_WRITTEN.append(hook)
    return hook


@dataclass(frozen=True, slots=True)
class _Link:
    event: AuditEvent
    seq: int
    hash: str
    recorded_in: SessionTransaction


@dataclass
class _Chain:
    """The transaction's newest written link (or the head as locked), then the unwritten ones."""

    seq: int
    hash: str
    # Some event is written outside any savepoint: only the transaction's end releases the lock.
    held: bool = False
    advanced: bool = False
    pending: list[_Link] = field(default_factory=list)

    def tail(self) -> tuple[int, str]:
        if self.pending:
            return self.pending[-1].seq, self.pending[-1].hash
        return self.seq, self.hash


async def next_link(session: AsyncSession) -> tuple[int, str]:
    """The seq and previous hash of the transaction's next event, locking the head if needed."""
    chain: _Chain | None = session.info.get(_KEY)
    if chain is None or not (chain.held or chain.pending):
        head = (
            await session.execute(
                update(AuditChain)
                .where(AuditChain.id == 1)
                .values(seq=AuditChain.seq)
                .returning(AuditChain.seq, AuditChain.head_hash)
                # No loaded AuditChain to refresh; scanning a large session for one is costly.
                .execution_options(synchronize_session=False)
            )
        ).one()
        chain = _Chain(head.seq, head.head_hash)
        session.info[_KEY] = chain
    seq, prev_hash = chain.tail()
    return seq + 1, prev_hash


def append(session: AsyncSession, audit_event: AuditEvent) -> None:
    """Add `audit_event`, hashed on `next_link`'s answer, to the transaction's chain."""
    chain: _Chain = session.info[_KEY]
    sync = session.sync_session
    savepoint = sync.get_nested_transaction() or sync.get_transaction()
    assert savepoint is not None, "next_link began the transaction"
    chain.pending.append(_Link(audit_event, audit_event.seq, audit_event.hash, savepoint))


def _write(session: Session, chain: _Chain) -> None:
    events = [link.event for link in chain.pending]
    rows = [{c: getattr(e, c) for c in _COLUMNS} for e in events]
    chain.seq, chain.hash = chain.tail()
    chain.pending.clear()
    chain.held = chain.advanced = True
    session.execute(insert(EVENTS), rows)
    for hook in _ON_WRITTEN:
        hook(session, events)


@event.listens_for(Session, "do_orm_execute")
def _write_before_reading(state: ORMExecuteState) -> None:
    # Outside savepoints the events are final until the transaction ends: write them before
    # a statement that may read the trail.
    chain: _Chain | None = state.session.info.get(_KEY)
    if chain is not None and chain.pending and not state.session.in_nested_transaction():
        _write(state.session, chain)


@event.listens_for(Session, "after_soft_rollback")
def _forget_rolled_back(session: Session, previous: SessionTransaction) -> None:
    chain: _Chain | None = session.info.get(_KEY)
    while chain is not None and chain.pending and _inside(chain.pending[-1], previous):
        chain.pending.pop()


def _inside(link: _Link, savepoint: SessionTransaction) -> bool:
    transaction: SessionTransaction | None = link.recorded_in
    while transaction is not None:
        if transaction is savepoint:
            return True
        transaction = transaction.parent
    return False


@event.listens_for(Session, "before_commit")
def _write_head(session: Session) -> None:
    # Fires for savepoint releases too; only the outermost commit makes the events visible.
    chain: _Chain | None = session.info.get(_KEY)
    if chain is None or session.in_nested_transaction():
        return
    if chain.pending:
        _write(session, chain)
    if chain.advanced:
        session.execute(
            update(AuditChain)
            .where(AuditChain.id == 1)
            .values(seq=chain.seq, head_hash=chain.hash)
            .execution_options(synchronize_session=False)
        )


@event.listens_for(Session, "after_commit")
def _check_written(session: Session) -> None:
    # Events left here were committed unwritten, which only a transaction committed while a
    # savepoint inside it was still open can do (every commit in the hub closes them first).
    chain: _Chain | None = session.info.get(_KEY)
    if chain is not None and chain.pending and not session.in_nested_transaction():
        log.error("%d audit events were not written: a savepoint was left open", len(chain.pending))


@event.listens_for(Session, "after_transaction_end")
def _forget(session: Session, transaction: SessionTransaction) -> None:
    # The next transaction reads the head afresh: another process may have advanced it.
    if transaction.parent is None:
        session.info.pop(_KEY, None)
