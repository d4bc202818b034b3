"""Resolver building blocks: global-ID lookup (for `node` and `_entities`) and paged relations."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Hashable
from dataclasses import replace
from typing import Any, TypeVar

import strawberry
from sqlalchemy import Row
from strawberry.types.nodes import SelectedField

from stakeholders.common.context import RequestContext
from stakeholders.common.loading import ByKey, Join, PagesByKey, RowFilter
from stakeholders.common.relay import Connection, decode_global_id, page_request, to_connection
from stakeholders.errors import NotFound

__all__ = [
    "NO_FILTER",
    "Entity",
    "load_node",
    "node_loader",
    "node_types",
    "one",
    "paged",
    "register_node",
    "to_one",
]

T = TypeVar("T")
Info = strawberry.Info[RequestContext, None]
NO_FILTER = RowFilter()

_NODES: dict[str, tuple[type[ByKey], Callable[[Row[Any]], Any]]] = {}


def register_node(type_name: str, loader: type[ByKey], convert: Callable[[Row[Any]], Any]) -> None:
    """Make `type_name` reachable by global ID, loaded by `loader` and built by `convert`."""
    _NODES[type_name] = (loader, convert)


def node_loader(type_name: str) -> type[ByKey]:
    """The loader through which the caller sees nodes of `type_name`."""
    return _NODES[type_name][0]


def node_types() -> list[type]:
    """Every registered node type (each `convert` is its class's from_row)."""
    # getattr: to mypy a Callable has no __self__.
    return [getattr(convert, "__self__") for _, convert in _NODES.values()]  # noqa: B009


async def load_node(context: RequestContext, global_id: str, expected: str | None = None) -> Any:
    """The object behind a global ID, or None when unknown or not readable by the caller."""
    try:
        type_name, pk = decode_global_id(global_id)
    except NotFound:
        return None  # a number no row can have: as null as a row the caller may not see
    if type_name not in _NODES or (expected is not None and type_name != expected):
        return None
    loader, convert = _NODES[type_name]
    row = await context.loaders.get(loader).load(pk)
    return convert(row) if row is not None else None


class Entity:
    """Federation entity behaviour: `_entities` resolves a reference like `node(id:)` does."""

    @classmethod
    async def resolve_reference(cls, info: Info, id: strawberry.ID) -> Any:
        name = cls.__strawberry_definition__.name  # type: ignore[attr-defined]
        return await load_node(info.context, str(id), expected=name)


def to_one(target: Any, loader: type[ByKey], key: str, description: str) -> Any:
    """A to-one relation field: the `target` whose row `loader` finds by the private `key`."""
    convert = target.from_row

    def resolve(self: Any, info: Info) -> Any:
        return one(info, loader, getattr(self, key), convert)

    resolve.__annotations__ = {"info": Info, "return": target | None}
    return strawberry.field(resolver=resolve, description=description)


def one(
    info: Info, loader: type[ByKey], key: Hashable | None, convert: Callable[[Row[Any]], T]
) -> Any:
    """A to-one relation through the request's loader; None when absent or not readable.

    The object itself when the loader holds the row already (joined into its parent's
    statement), else an awaitable of it: a resolver that returns this stays synchronous on a
    hit, which spares a coroutine and a task per row of a large list.
    """
    if key is None:
        return None
    rows = info.context.loaders.get(loader)
    hit, row = rows.cached(key)
    if hit:
        return convert(row) if row is not None else None
    return _converted(rows.load(key), convert)


async def _converted(pending: Awaitable[Any], convert: Callable[[Row[Any]], T]) -> T | None:
    row = await pending
    return convert(row) if row is not None else None


async def paged(
    info: Info,
    loader: type[PagesByKey],
    key: Hashable,
    convert: Callable[[Row[Any]], T],
    first: int | None,
    after: str | None,
    row_filter: RowFilter = NO_FILTER,
    joins: tuple[Join, ...] = (),
) -> Connection[T]:
    """A to-many relation, one page of it, batched with the same page of sibling parents.

    `joins` are to-one relations of the listed type that may be read in the same statement;
    those the query selects are.
    """
    request = page_request(first, after, info.context.max_page_size)
    wanted = _selected_joins(_node_selections(info), joins) if joins else ()
    page = await info.context.loaders.get(loader, request, row_filter, wanted).load(key)
    return to_connection(page, convert)


def _names(selections: Any) -> dict[str, Any]:
    """Field name -> its sub-selections, looking through fragments."""
    found: dict[str, Any] = {}
    for selection in selections:
        if isinstance(selection, SelectedField):
            found.setdefault(selection.name, []).extend(selection.selections)
        else:  # inline fragment or fragment spread
            for name, inner in _names(selection.selections).items():
                found.setdefault(name, []).extend(inner)
    return found


def _node_selections(info: Info) -> list[Any]:
    """What the query selects under `edges { node { ... } }` of the current field."""
    found: list[Any] = []
    for field in info.selected_fields:
        edges = _names(field.selections).get("edges", [])
        found.extend(_names(edges).get("node", []))
    return found


def _selected_joins(selections: list[Any], joins: tuple[Join, ...]) -> tuple[Join, ...]:
    names = _names(selections)
    return tuple(
        replace(join, then=_selected_joins(names[join.field], join.then))
        for join in joins
        if join.field in names
    )
