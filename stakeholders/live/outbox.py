"""Writing the outbox: the audit events of announced kinds become outbox rows, in the same
INSERT batch and transaction, so that a change rolled back (or a savepoint undone) is never
announced; after the commit, the process's brokers are woken and, on PostgreSQL, a NOTIFY
(delivered by the server at commit, never for a rolled-back transaction) wakes the others.
"""

from __future__ import annotations

import weakref
from typing import Any

from sqlalchemy import event, insert, text
from sqlalchemy.orm import Session, SessionTransaction

from stakeholders.audit.chain import on_written
from stakeholders.audit.models import AuditEvent
from stakeholders.common.relay import decode_global_id
from stakeholders.db import table_of
from stakeholders.live.models import OutboxEvent

__all__ = ["CHANNEL", "TOPICS", "on_commit"]

# The audit entity types announced, which are the GraphQL types subscribers read.
TOPICS = frozenset({"Responsibility", "Enrollment", "ReimbursementClaim"})
CHANNEL = "accord_outbox"
OUTBOX = table_of(OutboxEvent)
_KEY = "accord.outbox_written"

# Called after every commit that wrote outbox rows, in this process (the brokers' wake-ups).
_WAKERS: weakref.WeakSet[Any] = weakref.WeakSet()


def on_commit(waker: Any) -> None:
    """Have `waker.wake()` called after each commit of this process that announced a change."""
    _WAKERS.add(waker)


def _row(audit_event: AuditEvent) -> dict[str, Any] | None:
    if audit_event.entity_type not in TOPICS:
        return None
    _, pk = decode_global_id(audit_event.entity_id)
    after = audit_event.after or {}
    return {
        "id": audit_event.seq,
        "at": audit_event.at,
        "topic": audit_event.entity_type,
        "entity_pk": pk,
        "action": audit_event.action,
        "programme_id": audit_event.programme_id,
        "cohort_id": after.get("cohort_id") if audit_event.entity_type == "Enrollment" else None,
    }


@on_written
def _announce(session: Session, events: list[AuditEvent]) -> None:
    rows = [row for row in map(_row, events) if row is not None]
    if not rows:
        return
    session.execute(insert(OUTBOX), rows)
    session.info[_KEY] = True
    if session.get_bind().dialect.name == "postgresql":
        # Queued by the server until this transaction commits, dropped if it rolls back.
        session.execute(
            text("SELECT pg_notify(:channel, :last)"),
            {"channel": CHANNEL, "last": str(rows[-1]["id"])},
        )


@event.listens_for(Session, "after_commit")
def _wake(session: Session) -> None:
    if session.info.get(_KEY) and not session.in_nested_transaction():
        session.info.pop(_KEY, None)
        for waker in list(_WAKERS):
            waker.wake()


@event.listens_for(Session, "after_transaction_end")
def _forget(session: Session, transaction: SessionTransaction) -> None:
    if transaction.parent is None:
        session.info.pop(_KEY, None)
