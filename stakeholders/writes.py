"""How every area writes: rows locked before they change, versions checked, changes audited.

Services of every area (and the clients' registry) use these three and nothing else to
change rows, so that a lost update, an unlocked read-modify-write or an unaudited change has
only one place to hide, and none does.
"""

from __future__ import annotations

from typing import Any, TypeVar

from sqlalchemy.ext.asyncio import AsyncSession

from auth.principal import Principal
from stakeholders.audit.service import record, snapshot
from stakeholders.db import Base
from stakeholders.errors import Conflict, NotFound

__all__ = [
    "add_audited",
    "audited",
    "check_version",
    "get_for_share",
    "get_for_update",
    "record_change",
]

M = TypeVar("M", bound=Base)

# An audit event for a change described by hand (a row whose snapshot must omit a secret).
record_change = record


async def get_for_update(session: AsyncSession, model: type[M], pk: int) -> M:
    """The row, locked until the transaction ends; NOT_FOUND when there is none.

    PostgreSQL takes a row lock (SELECT ... FOR UPDATE), so that two writers never both read
    the row and then both change it. SQLite has no row locks: a write transaction there
    begins IMMEDIATE (gateway.db, WRITE_INTENT), holding the database's write lock already.
    """
    entity = await session.get(model, pk, with_for_update=True, populate_existing=True)
    if entity is None:
        raise NotFound(f"no {model.__name__} with this id")
    return entity


async def get_for_share(session: AsyncSession, model: type[M], pk: int) -> M:
    """The row, kept as it is until the transaction ends, for rows added under it whose rules
    read it (a programme's state, when an agreement, duty or cohort is added to it); NOT_FOUND
    when there is none.

    PostgreSQL takes a shared row lock (SELECT ... FOR SHARE): writers adding to the same
    programme go side by side, while a change of the programme itself waits for them, and they
    for it. An exclusive lock made every addition to a programme queue behind the one before
    for its whole transaction (`make soak`: 12 agreements a second, p50 1.2 s). SQLite holds
    the database's write lock already.
    """
    entity = await session.get(model, pk, with_for_update={"read": True}, populate_existing=True)
    if entity is None:
        raise NotFound(f"no {model.__name__} with this id")
    return entity


def check_version(entity: Any, version: int) -> None:
    """Refuse a change made against an old copy: nobody's update is silently lost."""
    if entity.version != version:
        raise Conflict(
            f"version {version} is stale: it is now {entity.version}; reload and retry",
            stored_version=entity.version,
        )


def _programme_of(entity: Base) -> int | None:
    """The programme a row belongs to, which decides which auditors read its events."""
    if type(entity).__tablename__ == "programmes":
        return entity.id  # type: ignore[attr-defined, no-any-return]
    return getattr(entity, "programme_id", None)


async def audited(
    session: AsyncSession,
    principal: Principal,
    action: str,
    entity: Base,
    before: dict[str, Any] | None,
    extra: dict[str, Any] | None = None,
    *,
    programme_id: int | None = None,
) -> None:
    """Flush `entity` and record the change with its state before and after (plus `extra`).

    `programme_id` names the programme of a row that has none of its own (a trainee enrolled
    in it)."""
    await session.flush()
    await record(
        session,
        principal,
        action=action,
        entity_type=type(entity).__name__,
        entity_pk=entity.id,  # type: ignore[attr-defined]
        before=before,
        after={**snapshot(entity), **(extra or {})},
        programme_id=programme_id if programme_id is not None else _programme_of(entity),
    )


async def add_audited(session: AsyncSession, principal: Principal, action: str, entity: M) -> M:
    """A new row: added, flushed (its id known) and its creation by `action` audited."""
    session.add(entity)
    await audited(session, principal, action, entity, None)
    return entity
