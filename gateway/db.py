"""Engines and sessions for SQLite (embedded default) and PostgreSQL (scale)."""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any

from sqlalchemy import event
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)

# Wherever the hub's sessions write (a request or a command), the changes subscribers hear of
# are written to the outbox (its writer registers on the audit trail when loaded).
import stakeholders.live  # noqa: F401
from stakeholders.db import WRITE_INTENT

__all__ = ["Database", "create_engine"]


def create_engine(
    url: str, *, echo: bool = False, statement_timeout_ms: int | None = None
) -> AsyncEngine:
    """`statement_timeout_ms` bounds each PostgreSQL statement (serving; not long commands)."""
    if url.startswith("sqlite"):
        engine = create_async_engine(url, echo=echo, connect_args={"timeout": 30})
        _tune_sqlite(engine)
        if statement_timeout_ms is not None:
            _interrupt_long_statements(engine, statement_timeout_ms / 1000)
        return engine
    connect_args: dict[str, Any] = {}
    if statement_timeout_ms is not None:
        connect_args["server_settings"] = {"statement_timeout": str(statement_timeout_ms)}
    return create_async_engine(
        url,
        echo=echo,
        pool_pre_ping=True,
        pool_size=10,
        max_overflow=10,
        # An unreachable server is a fast 503, not a request hanging on connect.
        pool_timeout=5,
        connect_args={**connect_args, "timeout": 5},
    )


def _tune_sqlite(engine: AsyncEngine) -> None:
    @event.listens_for(engine.sync_engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # pysqlite's own transaction handling breaks SAVEPOINT; we emit BEGIN ourselves below.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute("PRAGMA busy_timeout=30000")
        cursor.close()

    @event.listens_for(engine.sync_engine, "begin")
    def _on_begin(connection: Any) -> None:
        writes = connection.get_execution_options().get(WRITE_INTENT, False)
        connection.exec_driver_sql("BEGIN IMMEDIATE" if writes else "BEGIN")


def _interrupt_long_statements(engine: AsyncEngine, seconds: float) -> None:
    """SQLite's stand-in for PostgreSQL's statement_timeout: its progress handler, called every
    10,000 VM steps, interrupts a statement running past `seconds` ("interrupted")."""

    @event.listens_for(engine.sync_engine, "connect")
    def _on_connect(dbapi_connection: Any, record: Any) -> None:
        started: dict[str, float | None] = {"at": None}
        record.info["accord_statement"] = started

        def past_its_time() -> int:
            at = started["at"]
            return 1 if at is not None and time.monotonic() - at > seconds else 0

        dbapi_connection.driver_connection._conn.set_progress_handler(past_its_time, 10_000)

    @event.listens_for(engine.sync_engine, "before_cursor_execute")
    def _started(connection: Any, *_: Any) -> None:
        connection.connection.info["accord_statement"]["at"] = time.monotonic()

    # The adapter has read every row when execute returns; a COMMIT later is not timed.
    @event.listens_for(engine.sync_engine, "after_cursor_execute")
    def _finished(connection: Any, *_: Any) -> None:
        connection.connection.info["accord_statement"]["at"] = None


@dataclass
class Database:
    """One engine and the session factory every request and command uses."""

    engine: AsyncEngine
    sessions: async_sessionmaker[AsyncSession]

    @classmethod
    def from_url(
        cls, url: str, *, echo: bool = False, statement_timeout_ms: int | None = None
    ) -> Database:
        engine = create_engine(url, echo=echo, statement_timeout_ms=statement_timeout_ms)
        return cls(engine, async_sessionmaker(engine, expire_on_commit=False))

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    async def dispose(self) -> None:
        await self.engine.dispose()
