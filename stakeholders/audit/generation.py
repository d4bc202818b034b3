"""Whether who a caller is may have changed: a generation of the identity tables.

A Principal is built from parties (the subtree), programmes and their participants (the
reach, the programmes' states) and, for a machine client, its registration. Every commit that
wrote rows of those tables, in any process that runs this module (the hub and the `accord`
commands alike), adds one to `audit_chain.identity_generation` in its own transaction, and to
this process's counter after it committed. The hub keeps built principals while both stay
where they were (gateway.principal_cache): the process's counter says so at no cost, the
stored one in one statement.

Rows written by statements on a connection, not through a session, are not seen: what writes
those tables does so through a session.
"""

from __future__ import annotations

import itertools
from typing import Any

from sqlalchemy import event, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import ORMExecuteState, Session, SessionTransaction, UOWTransaction

from stakeholders.audit.models import AuditChain

__all__ = ["IDENTITY_TABLES", "local_generation", "stored_generation"]

IDENTITY_TABLES = frozenset({"parties", "programmes", "programme_participants", "oauth_clients"})
_KEY = "accord.identity_changed"
_counter = itertools.count(1)
_local = 0


def local_generation() -> int:
    """This process's count of commits (and flushes) that touched the identity tables."""
    return _local


async def stored_generation(session: AsyncSession) -> int:
    """The database's count of such commits, from every process; one statement."""
    value = await session.scalar(select(AuditChain.identity_generation))
    return int(value or 0)


def _bump_local() -> None:
    global _local
    _local = next(_counter)


def _touches(objects: Any) -> bool:
    return any(getattr(type(o), "__tablename__", None) in IDENTITY_TABLES for o in objects)


@event.listens_for(Session, "after_flush")
def _note(session: Session, _flush: UOWTransaction) -> None:
    if _touches(session.new) or _touches(session.dirty) or _touches(session.deleted):
        session.info[_KEY] = True
        # Now too, not only at commit: sessions sharing one connection (the tests) read the
        # flushed rows before they are committed.
        _bump_local()


@event.listens_for(Session, "do_orm_execute")
def _note_statement(state: ORMExecuteState) -> None:
    # INSERT, UPDATE and DELETE statements through a session (tests wipe parties so).
    if state.is_insert or state.is_update or state.is_delete:
        table = getattr(state.statement, "table", None)
        if getattr(table, "name", None) in IDENTITY_TABLES:
            state.session.info[_KEY] = True
            _bump_local()


@event.listens_for(Session, "before_commit")
def _bump_stored(session: Session) -> None:
    if session.info.get(_KEY) and not session.in_nested_transaction():
        session.execute(
            update(AuditChain)
            .where(AuditChain.id == 1)
            .values(identity_generation=AuditChain.identity_generation + 1)
            .execution_options(synchronize_session=False)
        )


@event.listens_for(Session, "after_commit")
def _bump_after_commit(session: Session) -> None:
    # A principal built by another request between the flush and this commit read the old rows.
    if session.info.get(_KEY) and not session.in_nested_transaction():
        _bump_local()


@event.listens_for(Session, "after_transaction_end")
def _forget(session: Session, transaction: SessionTransaction) -> None:
    if transaction.parent is None:
        session.info.pop(_KEY, None)
