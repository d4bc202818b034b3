"""The one guard every mutation passes: target found, policy allows, change atomic.

A mutation resolver names its action and its target's facts; this module checks the policy
before the service runs and wraps the service in a savepoint, so a refused or failed mutation
leaves nothing behind (not even its audit event) while the request's other mutations stand.
The request's unit of work commits once at the end (schema.unit_of_work).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from types import SimpleNamespace
from typing import Any, TypeVar

from sqlalchemy import Select, Table, select
from sqlalchemy.exc import DBAPIError, IntegrityError
from sqlalchemy.orm.exc import StaleDataError

from auth.errors import Unauthenticated
from auth.policy import authorize, closed_reason
from stakeholders.common.context import RequestContext
from stakeholders.common.loading import ByKey, Loaders
from stakeholders.common.relay import expect_global_id
from stakeholders.errors import Conflict, NotFound

__all__ = ["Facts", "mutate_node", "run_mutation", "signed_in", "stored_version"]

T = TypeVar("T")

# What the policy tests of a target: e.g. Facts(programme_id=3).
Facts = SimpleNamespace


def signed_in(context: RequestContext, action: str) -> None:
    """Refuse an anonymous caller before any of its input is read into rows."""
    if context.principal.is_anonymous:
        raise Unauthenticated(f"sign in to {action}")


async def run_mutation(
    context: RequestContext,
    action: str,
    target: Any,
    work: Callable[[], Awaitable[T]],
    *,
    missing: str = "the target does not exist or is not visible to you",
    stored: Select[Any] | None = None,
) -> T:
    """Authorize `action` on `target`, then run `work` atomically; map races to CONFLICT.

    `stored` selects the target's version as stored: every CONFLICT about an existing object
    then says it (`stored_version`), so that the caller can reload and retry knowingly."""
    signed_in(context, action)
    if target is None:
        raise NotFound(missing)
    authorize(context.principal, action, target)
    closed = closed_reason(context.principal, action, target)
    if closed is not None:
        raise Conflict(closed, reason="PROGRAMME_STATE")
    session = context.session
    try:
        async with session.begin_nested():
            result = await work()
            await session.flush()
    except StaleDataError:
        conflict = Conflict("changed by someone else meanwhile: reload it and try again")
        raise await _versioned(session, conflict, stored) from None
    except IntegrityError:
        conflict = Conflict("conflicts with data stored meanwhile: reload and try again")
        raise await _versioned(session, conflict, stored) from None
    except DBAPIError as failure:
        if not _lost_race(failure):
            raise
        conflict = Conflict("changed by someone else meanwhile: reload it and try again")
        raise await _versioned(session, conflict, stored) from None
    except Conflict as conflict:
        raise await _versioned(session, conflict, stored) from None
    # Rows changed: later resolvers in this request must not see cached copies, and the
    # caller's reach may have grown (a programme created, a participant added).
    if context.rescope is not None:
        context.principal = await context.rescope(context)
    context.loaders = Loaders(context.session, context.principal, context.loaders.dialect)
    return result


# PostgreSQL's deadlock and serialization failures: two writers met (two adding to a
# programme, then both changing it, say); the database chose the one to give way.
_RACES = ("40P01", "40001")


def _lost_race(failure: DBAPIError) -> bool:
    orig = failure.orig
    return (getattr(orig, "sqlstate", None) or getattr(orig, "pgcode", None)) in _RACES


async def _versioned(session: Any, conflict: Conflict, stored: Select[Any] | None) -> Conflict:
    """The conflict with the target's version as now stored (read after the rollback)."""
    if stored is not None and "stored_version" not in conflict.extensions:
        conflict.extensions["stored_version"] = await session.scalar(stored)
    return conflict


def stored_version(table: Table, pk: int) -> Select[Any]:
    """The statement reading a row's version, for run_mutation's `stored`."""
    return select(table.c.version).where(table.c.id == pk)


async def mutate_node(
    context: RequestContext,
    action: str,
    global_id: str,
    type_name: str,
    loader: type[ByKey],
    work: Callable[[int], Awaitable[T]],
    *,
    field: str = "id",
) -> T:
    """`action` on the object a global ID names, as the caller sees it through `loader` (one it
    cannot see is NOT_FOUND); then `work(pk)` as run_mutation runs it."""
    pk = expect_global_id(global_id, type_name, field=field)
    target = await context.loaders.get(loader).load(pk)
    stored = stored_version(loader.table, pk) if "version" in loader.table.c else None
    return await run_mutation(context, action, target, lambda: work(pk), stored=stored)
