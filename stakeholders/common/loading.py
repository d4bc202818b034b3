"""Per-request dataloaders: one SQL statement per relation and page level, never one per row.

Every loader starts from the type's `readable(principal)` select, so a row reached through a
relation obeys the same rule as one reached through a list or `node`.
"""

from __future__ import annotations

import asyncio
from collections import defaultdict
from collections.abc import Callable, Hashable, Sequence
from dataclasses import dataclass
from types import SimpleNamespace
from typing import Any, ClassVar, TypeVar

from aiodataloader import DataLoader
from sqlalchemy import (
    ColumnElement,
    FromClause,
    Row,
    Select,
    Table,
    and_,
    case,
    func,
    or_,
    select,
)
from sqlalchemy.ext.asyncio import AsyncSession

from auth.principal import Principal
from stakeholders.common.access import in_keys

__all__ = [
    "ByKey",
    "Join",
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

    def idle(self) -> asyncio.Lock:
        """Hold it to use the session with no loader statement running (async with)."""
        return self._lock

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

    def cached(self, key: Any) -> tuple[bool, Any]:
        """(True, value) when `key` is loaded already (or primed), else (False, None)."""
        future = self._cache.get(self.get_cache_key(key))
        if future is None or not future.done() or future.exception() is not None:
            return False, None
        return True, future.result()

    @classmethod
    def on(cls: type[L], table: Table, readable: Readable, key: str = "id") -> type[L]:
        """A loader of `table`'s rows the caller may read (`readable`), looked up by `key`."""
        name = f"{cls.__name__}({table.name}.{key})"
        return type(name, (cls,), {"table": table, "readable": readable, "key": key})

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


@dataclass(frozen=True)
class Join:
    """A to-one relation read in its parent's statement: the GraphQL `field` whose row `fk`
    names and `loader` would load; the joined row primes that loader, which then sends
    nothing. The joined rows come from the loader's own readable select (the same rule).
    The relation must be to-one (at most one row per parent): a page must not grow.
    """

    field: str
    fk: str
    loader: type[ByKey]
    then: tuple[Join, ...] = ()


Joins = tuple[Join, ...]


@dataclass(frozen=True)
class _Joined:
    prefix: str
    parent_prefix: str
    join: Join
    columns: tuple[str, ...]


def _add_joins(
    stmt: Select[Any],
    parent: FromClause,
    joins: Joins,
    principal: Principal,
    prefix: str = "",
) -> tuple[Select[Any], list[_Joined]]:
    plan: list[_Joined] = []
    for n, join in enumerate(joins):
        mine = f"{prefix}_j{n}_"
        sub = join.loader.readable(principal).subquery()
        on = sub.c[join.loader.key] == parent.c[join.fk]
        stmt = stmt.outerjoin_from(parent, sub, on).add_columns(
            *(c.label(f"{mine}{c.name}") for c in sub.c)
        )
        plan.append(_Joined(mine, prefix, join, tuple(c.name for c in sub.c)))
        stmt, deeper = _add_joins(stmt, sub, join.then, principal, mine)
        plan.extend(deeper)
    return stmt, plan


def _prime(loaders: Loaders, rows: Sequence[Row[Any]], plan: list[_Joined]) -> None:
    for joined in plan:
        loader = loaders.get(joined.join.loader)
        key = f"{joined.prefix}{joined.join.loader.key}"
        for row in rows:
            values = row._mapping
            fk = values[f"{joined.parent_prefix}{joined.join.fk}"]
            if fk is None:
                continue
            # The parent points at a row the caller may not see: the loader would say None too.
            found = values[key] is not None
            loader.prime(
                fk,
                SimpleNamespace(**{c: values[f"{joined.prefix}{c}"] for c in joined.columns})
                if found
                else None,
            )


class PagesByKey(_Loader):
    """To-many with cursor paging per parent, in one statement with window functions.

    Arguments: the PageRequest, a RowFilter, and optionally the Joins of to-one relations to
    read in the same statement.
    """

    key: ClassVar[str]

    async def batch_load_fn(self, keys: Sequence[Any]) -> list[Page]:
        request, row_filter, *rest = self.args
        joins = rest[0] if rest else ()
        assert isinstance(request, PageRequest) and isinstance(row_filter, RowFilter)
        assert isinstance(joins, tuple)
        column = self.table.c[self.key]
        base = self._base().where(in_keys(column, set(keys), self.loaders.dialect))
        base = base.where(*row_filter.clauses(self.table))
        stmt, inner = _page_select(base, self.table, column, request)
        stmt, plan = _add_joins(stmt, inner, joins, self.loaders.principal)
        rows = await self._rows(stmt)
        _prime(self.loaders, rows, plan)
        grouped: dict[Any, list[Row[Any]]] = defaultdict(list)
        for row in rows:
            grouped[getattr(row, self.key)].append(row)
        return [_page(grouped.get(k, []), request) for k in keys]


async def fetch_page(
    loaders: Loaders, base: Select[Any], table: Table, request: PageRequest
) -> Page:
    """One page of a root list, with its total, in one statement."""
    stmt, _ = _page_select(base, table, None, request)
    return _page(list(await loaders.rows(stmt)), request)


def _page_select(
    base: Select[Any], table: Table, partition: ColumnElement[Any] | None, request: PageRequest
) -> tuple[Select[Any], FromClause]:
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
    return select(inner).where(or_(in_page, inner.c._pos == 1)).order_by(inner.c.id), inner


def _page(rows: list[Row[Any]], request: PageRequest) -> Page:
    total = rows[0]._total if rows else 0
    past = [r for r in rows if r.id > request.after]
    has_previous = past[0]._pos > 1 if past else total > 0 and request.after > 0
    return Page(past[: request.first], total, len(past) > request.first, has_previous)
