"""Recording audit events, in the caller's transaction, and checking the chain."""

from __future__ import annotations

import datetime as dt
import enum
import functools
from collections.abc import AsyncIterator
from typing import Any

from sqlalchemy import inspect, select
from sqlalchemy.ext.asyncio import AsyncSession

from auth.principal import Principal
from stakeholders.audit.chain import append
from stakeholders.audit.hashing import GENESIS, chain_hash
from stakeholders.audit.models import AuditChain, AuditEvent
from stakeholders.common.relay import to_global_id
from stakeholders.db import Base, utcnow

__all__ = ["GENESIS", "chain_hash", "record", "snapshot", "verify_chain"]


def snapshot(entity: Base) -> dict[str, Any]:
    """The entity's columns as JSON-ready values (dates as ISO 8601, enums by name)."""
    state = inspect(entity)
    columns = _columns(type(entity))
    return {attr.key: _plain(attr.value) for attr in state.attrs if attr.key in columns}


@functools.cache
def _columns(model: type[Base]) -> frozenset[str]:
    # Once per model, not once per attribute of every snapshot: an import takes 20,000.
    return frozenset(c.key for c in inspect(model).column_attrs)


def _plain(value: Any) -> Any:
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    if isinstance(value, enum.Enum):
        return value.value
    return value


async def record(
    session: AsyncSession,
    principal: Principal,
    *,
    action: str,
    entity_type: str,
    entity_pk: int,
    before: dict[str, Any] | None,
    after: dict[str, Any] | None,
    programme_id: int | None = None,
) -> AuditEvent:
    """Append one event to the chain; commits with the change it describes, or not at all.

    The event is numbered, linked and inserted once the session leaves its savepoints, with
    the others of its transaction (stakeholders.audit.chain): the event returned is not in
    the session, and has no `seq` or `hash` yet."""
    event = AuditEvent(
        at=utcnow(),
        actor_sub=principal.sub or "system",
        actor_party_id=principal.party_id,
        programme_id=programme_id,
        action=action,
        entity_type=entity_type,
        entity_id=str(to_global_id(entity_type, entity_pk)),
        before=before,
        after=after,
    )
    append(session, event)
    return event


async def verify_chain(session: AsyncSession) -> AsyncIterator[tuple[int, str]]:
    """Yield (seq, problem) for every break: an edited, missing or re-ordered event."""
    prev, expected_seq = GENESIS, 1
    result = await session.stream_scalars(select(AuditEvent).order_by(AuditEvent.seq))
    async for event in result:
        if event.seq != expected_seq:
            yield event.seq, f"expected event {expected_seq}: events are missing"
        if event.prev_hash != prev:
            yield event.seq, "does not follow the previous event"
        if chain_hash(event.prev_hash, event) != event.hash:
            yield event.seq, "was changed after it was recorded"
        prev, expected_seq = event.hash, event.seq + 1
    head = (await session.execute(select(AuditChain))).scalar_one()
    if head.head_hash != prev or head.seq != expected_seq - 1:
        yield head.seq, "the chain's head does not match its last event"
