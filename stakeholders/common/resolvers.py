"""Resolver building blocks: global-ID lookup (for `node` and `_entities`) and paged relations."""

from __future__ import annotations

from collections.abc import Callable, Hashable
from typing import Any, TypeVar

import strawberry
from sqlalchemy import Row

from stakeholders.common.context import RequestContext
from stakeholders.common.loading import ByKey, PagesByKey, RowFilter
from stakeholders.common.relay import Connection, decode_global_id, page_request, to_connection

__all__ = ["NO_FILTER", "Entity", "load_node", "one", "paged", "register_node"]

T = TypeVar("T")
Info = strawberry.Info[RequestContext, None]
NO_FILTER = RowFilter()

_NODES: dict[str, tuple[type[ByKey], Callable[[Row[Any]], Any]]] = {}


def register_node(type_name: str, loader: type[ByKey], convert: Callable[[Row[Any]], Any]) -> None:
    """Make `type_name` reachable by global ID, loaded by `loader` and built by `convert`."""
    _NODES[type_name] = (loader, convert)


async def load_node(context: RequestContext, global_id: str, expected: str | None = None) -> Any:
    """The object behind a global ID, or None when unknown or not readable by the caller."""
    type_name, pk = decode_global_id(global_id)
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


async def one(
    info: Info, loader: type[ByKey], key: Hashable | None, convert: Callable[[Row[Any]], T]
) -> T | None:
    """A to-one relation through the request's loader; None when absent or not readable."""
    if key is None:
        return None
    row = await info.context.loaders.get(loader).load(key)
    return convert(row) if row is not None else None


async def paged(
    info: Info,
    loader: type[PagesByKey],
    key: Hashable,
    convert: Callable[[Row[Any]], T],
    first: int | None,
    after: str | None,
    row_filter: RowFilter = NO_FILTER,
) -> Connection[T]:
    """A to-many relation, one page of it, batched with the same page of sibling parents."""
    request = page_request(first, after, info.context.max_page_size)
    page = await info.context.loaders.get(loader, request, row_filter).load(key)
    return to_connection(page, convert)
