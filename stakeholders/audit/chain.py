"""The audit chain inside one transaction: events linked and written in batches, the head
locked for as short a time as the chain allows.

An event is kept, unnumbered, until the session leaves its savepoints: the first statement
the session runs outside any savepoint, or its commit. Then the pending events are numbered
and hashed on the head, inserted in one multi-row INSERT, and the commit writes the head once.
The head row is locked (a no-op UPDATE: PostgreSQL then holds the row lock until commit) by
the first such write, never earlier: a mutation's own statements run before any other writer
has to wait, and concurrent writers queue only for the commit's few statements. They still
append one linear chain, at a few statements per transaction instead of three per event (an
import of 10,000 rows records 20,000 events). On SQLite the write transaction holds the
database's write lock from its BEGIN IMMEDIATE anyway.

Savepoints: every event remembers the savepoint it was recorded in. When a savepoint rolls
back, the events recorded in it or in savepoints inside it go too; savepoints nest, so these
are always the newest events. The lock is taken outside savepoints only, so no rollback of a
savepoint releases it.

An event's `at` is when it was recorded; its `seq` is its place in the committed chain. Two
transactions that overlap may therefore commit their events in the other order than they
recorded them.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field

from sqlalchemy import event, insert, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import ORMExecuteState, Session, SessionTransaction

from stakeholders.audit.hashing import chain_hash
from stakeholders.audit.models import AuditChain, AuditEvent
from stakeholders.db import table_of

__all__ = ["append", "on_written"]

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
    recorded_in: SessionTransaction


@dataclass
class _Chain:
    """The transaction's newest written event (or the head as locked), then the unwritten."""

    seq: int = 0
    hash: str = ""
    # The head is locked, and read: only the transaction's end releases it.
    held: bool = False
    pending: list[_Link] = field(default_factory=list)


def append(session: AsyncSession, audit_event: AuditEvent) -> None:
    """Add `audit_event` to the transaction's chain: numbered and hashed when written."""
    chain: _Chain = session.info.setdefault(_KEY, _Chain())
    sync = session.sync_session
    savepoint = sync.get_nested_transaction() or sync.get_transaction() or sync.begin()
    chain.pending.append(_Link(audit_event, savepoint))


def _lock_head(session: Session, chain: _Chain) -> None:
    head = session.execute(
        update(AuditChain)
        .where(AuditChain.id == 1)
        .values(seq=AuditChain.seq)
        .returning(AuditChain.seq, AuditChain.head_hash)
        # No loaded AuditChain to refresh; scanning a large session for one is costly.
        .execution_options(synchronize_session=False)
    ).one()
    chain.seq, chain.hash, chain.held = head.seq, head.head_hash, True


def _write(session: Session, chain: _Chain) -> None:
    # Taken first: the statements below pass through `_write_before_reading` too.
    events = [link.event for link in chain.pending]
    chain.pending.clear()
    if not chain.held:
        _lock_head(session, chain)
    for audit_event in events:
        audit_event.seq, audit_event.prev_hash = chain.seq + 1, chain.hash
        audit_event.hash = chain_hash(chain.hash, audit_event)
        chain.seq, chain.hash = audit_event.seq, audit_event.hash
    session.execute(insert(EVENTS), [{c: getattr(e, c) for c in _COLUMNS} for e in events])
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
    if chain.held:
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
