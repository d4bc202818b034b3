"""Which database failures are the database's state rather than the request's: unreachable
(UNAVAILABLE, retry later) and a statement cut by its timeout (LIMIT_EXCEEDED). Anything else
stays an internal error, and a commit's race stays CONFLICT."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator

from sqlalchemy.exc import DBAPIError
from sqlalchemy.exc import TimeoutError as PoolTimeout

__all__ = ["RETRY_AFTER_SECONDS", "is_statement_timeout", "is_unavailable"]

# What a client should wait before retrying: a restarting PostgreSQL takes about a second.
RETRY_AFTER_SECONDS = 2
# SQLSTATE class 08 is "connection exception"; 57P01-57P03: shut down, crashed, starting up.
_UNAVAILABLE_STATES = ("57P01", "57P02", "57P03")
_QUERY_CANCELED = "57014"
_SQLITE_UNREACHABLE = ("unable to open database file", "disk i/o error")


def _causes(error: BaseException) -> Iterator[BaseException]:
    """`error`, the driver error SQLAlchemy wraps and the exceptions it was raised from."""
    seen: set[int] = set()
    pending: list[BaseException | None] = [error]
    while pending:
        current = pending.pop()
        if current is None or id(current) in seen or len(seen) > 20:
            continue
        seen.add(id(current))
        yield current
        orig = getattr(current, "orig", None)
        pending += [orig if isinstance(orig, BaseException) else None]
        pending += [current.__cause__, current.__context__]


def _sqlstate(error: BaseException) -> str:
    state = getattr(error, "sqlstate", None) or getattr(error, "pgcode", None)
    return state if isinstance(state, str) else ""


def is_unavailable(error: BaseException) -> bool:
    """The database could not be reached, or dropped the connection."""
    for cause in _causes(error):
        if isinstance(cause, DBAPIError) and cause.connection_invalidated:
            return True
        if isinstance(cause, PoolTimeout | OSError):  # refused, reset, unresolvable, timed out
            return True
        state = _sqlstate(cause)
        if state.startswith("08") or state in _UNAVAILABLE_STATES:
            return True
        if isinstance(cause, sqlite3.OperationalError):
            return str(cause).lower().startswith(_SQLITE_UNREACHABLE)
    return False


def is_statement_timeout(error: BaseException) -> bool:
    """PostgreSQL cancelled a statement that ran past `statement_timeout`, or SQLite's
    progress handler interrupted one (gateway.db)."""
    for cause in _causes(error):
        if _sqlstate(cause) == _QUERY_CANCELED:
            return True
        if isinstance(cause, sqlite3.OperationalError) and str(cause) == "interrupted":
            return True
    return False
