"""Which SQL statements a piece of work sends, and how long the database takes for each."""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncEngine

__all__ = ["Statement", "StatementLog"]

_FIRST_COLUMN = re.compile(r"SELECT\s+(?:DISTINCT\s+)?(?!anon_)(\w+)\.", re.IGNORECASE)
# SQLite's BEGIN goes through the cursor; it is not a statement the work asked for.
_TRANSACTION_CONTROL = ("BEGIN", "SAVEPOINT", "RELEASE", "ROLLBACK", "COMMIT")
_TABLE = re.compile(r"\b(?:INSERT INTO|UPDATE|FROM)\s+(\w+)", re.IGNORECASE)


@dataclass
class Statement:
    sql: str
    seconds: float = 0.0

    @property
    def label(self) -> str:
        """The table it reads, and what makes it costly: paging windows, EXISTS subqueries."""
        found = _FIRST_COLUMN.search(self.sql) or _TABLE.search(self.sql)
        table = found.group(1) if found else self.sql.split()[0]
        marks = []
        if "OVER (" in self.sql:
            marks.append("paged")
        if exists := self.sql.count("EXISTS"):
            marks.append(f"{exists} EXISTS")
        return f"{table} ({', '.join(marks)})" if marks else table


@dataclass
class StatementLog:
    """Records the statements an engine runs while `recording()` is open (any session)."""

    statements: list[Statement] = field(default_factory=list)
    active: bool = False

    def attach(self, engine: AsyncEngine) -> None:
        @event.listens_for(engine.sync_engine, "before_cursor_execute")
        def _before(conn: Any, _cursor: Any, sql: str, *_: Any) -> None:
            conn.info["bench_started"] = time.perf_counter()

        @event.listens_for(engine.sync_engine, "after_cursor_execute")
        def _after(conn: Any, _cursor: Any, sql: str, *_: Any) -> None:
            # The async drivers' adapters fetch every row inside execute: this includes the fetch.
            if self.active and not sql.startswith(_TRANSACTION_CONTROL):
                seconds = time.perf_counter() - conn.info.pop("bench_started", time.perf_counter())
                self.statements.append(Statement(sql, seconds))

    @contextmanager
    def recording(self) -> Iterator[list[Statement]]:
        self.statements = []
        self.active = True
        try:
            yield self.statements
        finally:
            self.active = False
