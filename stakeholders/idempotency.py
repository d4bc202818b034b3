"""Money mutations run once per idempotency key (CONTRACT.md, "Money").

A client that lost the answer to `approveClaim` sends it again with the same key: it gets the
object it changed, and nothing happens twice. The key is stored with the change, in the same
savepoint, so a refused request stores nothing and its key stays free. Keys are kept (not
purged), which more than covers the 24 hours the contract asks for.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import enum
import hashlib
import json
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

from sqlalchemy import Integer, String, UniqueConstraint, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Mapped, mapped_column

from auth.principal import Principal
from stakeholders.common.context import RequestContext
from stakeholders.db import Base, UTCDateTime, utcnow
from stakeholders.errors import BadInput, Conflict

__all__ = ["IdempotencyKey", "once", "once_for", "request_hash"]

M = TypeVar("M", bound=Base)
MAX_KEY = 200


class IdempotencyKey(Base):
    """A money mutation a caller made under a key, and the object it changed."""

    __tablename__ = "idempotency_keys"
    __table_args__ = (UniqueConstraint("caller", "key"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    # Issuer and subject: two identity providers may hand out the same subject.
    caller: Mapped[str] = mapped_column(String(600))
    key: Mapped[str] = mapped_column(String(MAX_KEY))
    action: Mapped[str] = mapped_column(String(60))
    request_hash: Mapped[str] = mapped_column(String(64))
    entity_type: Mapped[str] = mapped_column(String(60))
    entity_id: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)


def request_hash(action: str, data: Any) -> str:
    """A digest of what was asked: the mutation and its input without the key itself."""
    is_instance = dataclasses.is_dataclass(data) and not isinstance(data, type)
    values = dataclasses.asdict(data) if is_instance else dict(data)
    values.pop("idempotency_key", None)
    text = json.dumps([action, values], sort_keys=True, default=_plain, ensure_ascii=False)
    return hashlib.sha256(text.encode()).hexdigest()


def _plain(value: Any) -> Any:
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    return str(value)


async def once(
    session: AsyncSession,
    principal: Principal,
    *,
    action: str,
    key: str,
    digest: str,
    model: type[M],
    work: Callable[[], Awaitable[M]],
) -> M:
    """`work()` unless this caller made this request under `key` already: then the object
    the first one changed, as now stored. The same key for another request is CONFLICT."""
    key = key.strip()
    if not key or len(key) > MAX_KEY:
        raise BadInput(f"idempotencyKey must be 1-{MAX_KEY} characters", field="idempotencyKey")
    caller = f"{principal.issuer or ''} {principal.sub}"
    found = await session.scalar(
        select(IdempotencyKey).where(IdempotencyKey.caller == caller, IdempotencyKey.key == key)
    )
    if found is not None:
        if (found.action, found.request_hash) != (action, digest):
            raise Conflict(
                "this idempotencyKey was used for another request: use a new key",
                reason="IDEMPOTENCY_KEY_REUSED",
            )
        stored = await session.get(model, found.entity_id)
        assert stored is not None, "an object a money mutation changed is never deleted"
        return stored
    result = await work()
    await session.flush()
    session.add(
        IdempotencyKey(
            caller=caller,
            key=key,
            action=action,
            request_hash=digest,
            entity_type=model.__name__,
            entity_id=result.id,  # type: ignore[attr-defined]
        )
    )
    return result


async def once_for(
    context: RequestContext,
    action: str,
    data: Any,
    model: type[M],
    work: Callable[[], Awaitable[M]],
) -> M:
    """`once` for a mutation's input `data`, which carries its `idempotency_key`."""
    return await once(
        context.session,
        context.principal,
        action=action,
        key=data.idempotency_key,
        digest=request_hash(action, data),
        model=model,
        work=work,
    )
