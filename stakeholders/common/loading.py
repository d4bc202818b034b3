"""Per-request dataloaders: one SQL statement per relation and page level, never one per row.

Every loader starts from the type's `readable(principal)` select, so a row reached through a
relation obeys the same rule as one reached through a list or `node`.
"""

from __future__ import annotations

import asyncio
from collections import defaultdict
from collections.abc import Callable, Hashable, Sequence
from dataclasses import dataclass
from typing import Any, ClassVar, TypeVar

from aiodataloader import DataLoader
from sqlalchemy import ColumnElement, Row, Select, Table, and_, case, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from auth.principal import Principal
from stakeholders.common.access import in_keys

__all__ = [
    "ByKey",
    "ListsByKey",
    "Loaders",
    "Page",
    "PageRequest",
    "PagesByKey",
    "RowFilter",
    "fetch_page",
]

L = TypeVar("L", bound="_Loader")
Readable = Callable[[Principal], Select[Any]]

# SQLite allows 32,766 bound parameters; PostgreSQL gets one array parameter anyway.
MAX_BATCH = 10_000


class Loaders:
    """The request's loaders, created on first use: one instance per loader class and arguments."""

    def __init__(self, session: AsyncSession, principal: Principal, dialect: str) -> None:
        self.session = session
        self.principal = principal
        self.dialect = dialect
        self._made: dict[tuple[Any, ...], _Loader] = {}
        # Sibling fields resolve concurrently, but one session runs one statement at a time.
        self._lock = asyncio.Lock()

    async def rows(self, stmt: Select[Any]) -> Sequence[Row[Any]]:
        """Run a SELECT on the request's session, one statement at a time."""
        async with self._lock:
            return (await self.session.execute(stmt)).all()

    def get(self, cls: type[L], *args: Hashable) -> L:
        key = (cls, *args)
        loader = self._made.get(key)
        if loader is None:
            loader = self._made[key] = cls(self, *args)
        assert isinstance(loader, cls)
        return loader

    def clear(self) -> None:
        """Forget what was loaded: a mutation changed rows the next resolvers will read."""
        self._made.clear()


class _Loader(DataLoader):
    table: ClassVar[Table]
    readable: ClassVar[Readable]

    def __init__(self, loaders: Loaders, *args: Hashable) -> None:
        super().__init__(max_batch_size=MAX_BATCH)
        self.loaders = loaders
        self.args = args

    async def _rows(self, stmt: Select[Any]) -> Sequence[Row[Any]]:
        return await self.loaders.rows(stmt)

    def _base(self) -> Select[Any]:
        # staticmethod or plain function stored on the class: call it unbound.
        return type(self).readable(self.loaders.principal)


class ByKey(_Loader):
    """To-one: the readable row whose `key` column equals each key, or None."""

    key: ClassVar[str] = "id"

    async def batch_load_fn(self, keys: Sequence[Any]) -> list[Row[Any] | None]:
        column = self.table.c[self.key]
        rows = await self._rows(
            self._base().where(in_keys(column, set(keys), self.loaders.dialect))
        )
        found = {getattr(r, self.key): r for r in rows}
        return [found.get(k) for k in keys]


class ListsByKey(_Loader):
    """To-many without paging (small, bounded lists): rows grouped by `key`, in id order."""

    key: ClassVar[str]

    async def batch_load_fn(self, keys: Sequence[Any]) -> list[list[Row[Any]]]:
        column = self.table.c[self.key]
        stmt = self._base().where(in_keys(column, set(keys), self.loaders.dialect))
        grouped: dict[Any, list[Row[Any]]] = defaultdict(list)
        for row in await self._rows(stmt.order_by(self.table.c.id)):
            grouped[getattr(row, self.key)].append(row)
        return [grouped.get(k, []) for k in keys]


class RowFilter:
    """Extra WHERE clauses of a list (hashable: part of a loader's identity)."""

    def clauses(self, table: Table) -> list[ColumnElement[bool]]:
        return []


@dataclass(frozen=True)
class PageRequest:
    first: int
    after: int = 0


@dataclass
class Page:
    rows: list[Row[Any]]
    total: int
    has_next: bool
    has_previous: bool


class PagesByKey(_Loader):
    """To-many with cursor paging per parent, in one statement with window functions.

    Arguments: the PageRequest and a RowFilter.
    """

    key: ClassVar[str]

    async def batch_load_fn(self, keys: Sequence[Any]) -> list[Page]:
        request, row_filter = self.args
        assert isinstance(request, PageRequest) and isinstance(row_filter, RowFilter)
        column = self.table.c[self.key]
        base = self._base().where(in_keys(column, set(keys), self.loaders.dialect))
        base = base.where(*row_filter.clauses(self.table))
        rows = await self._rows(_page_select(base, self.table, column, request))
        grouped: dict[Any, list[Row[Any]]] = defaultdict(list)
        for row in rows:
            grouped[getattr(row, self.key)].append(row)
        return [_page(grouped.get(k, []), request) for k in keys]


async def fetch_page(
    loaders: Loaders, base: Select[Any], table: Table, request: PageRequest
) -> Page:
    """One page of a root list, with its total, in one statement."""
    rows = await loaders.rows(_page_select(base, table, None, request))
    return _page(list(rows), request)


def _page_select(
    base: Select[Any], table: Table, partition: ColumnElement[Any] | None, request: PageRequest
) -> Select[Any]:
    # `_rank` counts rows past the cursor; `_pos == 1` keeps one row per parent so that the
    # total is known even when the cursor is past its last row.
    part = [partition] if partition is not None else None
    inner = base.add_columns(
        func.count().over(partition_by=part).label("_total"),
        func.row_number().over(partition_by=part, order_by=table.c.id).label("_pos"),
        func.sum(case((table.c.id > request.after, 1), else_=0))
        .over(partition_by=part, order_by=table.c.id)
        .label("_rank"),
    ).subquery()
    in_page = and_(inner.c.id > request.after, inner.c._rank <= request.first + 1)
    return select(inner).where(or_(in_page, inner.c._pos == 1)).order_by(inner.c.id)


def _page(rows: list[Row[Any]], request: PageRequest) -> Page:
    total = rows[0]._total if rows else 0
    past = [r for r in rows if r.id > request.after]
    has_previous = past[0]._pos > 1 if past else total > 0 and request.after > 0
    return Page(past[: request.first], total, len(past) > request.first, has_previous)
