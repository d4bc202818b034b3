"""Relay building blocks: the Node interface, opaque global IDs and cursor connections."""

from __future__ import annotations

import base64
import binascii
from collections.abc import Callable
from typing import Annotated, Any, Generic, TypeVar

import strawberry
from sqlalchemy import Row

from stakeholders.common.loading import Page, PageRequest
from stakeholders.errors import BadInput, LimitExceeded

__all__ = [
    "After",
    "Connection",
    "Edge",
    "First",
    "Node",
    "PageInfo",
    "decode_global_id",
    "expect_global_id",
    "page_request",
    "to_connection",
    "to_global_id",
]

T = TypeVar("T")

First = Annotated[
    int | None,
    strawberry.argument(description="Page size; defaults to, and may not exceed, the hub's cap."),
]
After = Annotated[str | None, strawberry.argument(description="Cursor to start after.")]


def _b64(text: str) -> str:
    return base64.urlsafe_b64encode(text.encode()).decode().rstrip("=")


def _unb64(text: str) -> str:
    padded = text + "=" * (-len(text) % 4)
    return base64.urlsafe_b64decode(padded.encode()).decode()


def to_global_id(type_name: str, pk: int) -> strawberry.ID:
    return strawberry.ID(_b64(f"{type_name}:{pk}"))


def decode_global_id(value: str, *, field: str = "id") -> tuple[str, int]:
    """(type name, primary key) of a global ID; BAD_INPUT naming `field` when malformed."""
    try:
        type_name, _, pk = _unb64(value).partition(":")
        return type_name, int(pk)
    except (binascii.Error, UnicodeDecodeError, ValueError):
        raise BadInput(f"{field} is not a valid ID", field=field) from None


def expect_global_id(value: str, type_name: str, *, field: str = "id") -> int:
    """The primary key of a global ID that must name a `type_name`."""
    found, pk = decode_global_id(value, field=field)
    if found != type_name:
        raise BadInput(f"{field} must be the ID of a {type_name}", field=field)
    return pk


@strawberry.interface(description="An object with a global, opaque ID (Relay).")
class Node:
    id: strawberry.ID = strawberry.field(description="The object's global ID.")


@strawberry.type(description="Where a page stands in its list (Relay).")
class PageInfo:
    has_next_page: bool = strawberry.field(description="More items follow this page.")
    has_previous_page: bool = strawberry.field(description="Items precede this page.")
    start_cursor: str | None = strawberry.field(description="Cursor of the first item.")
    end_cursor: str | None = strawberry.field(description="Cursor of the last item; pass as after.")


@strawberry.type(description="An item of a page with its cursor.")
class Edge(Generic[T]):
    cursor: str = strawberry.field(description="Opaque position of this item.")
    node: T = strawberry.field(description="The item.")


@strawberry.type(description="A page of a list (Relay cursor connection).")
class Connection(Generic[T]):
    edges: list[Edge[T]] = strawberry.field(description="The items of this page.")
    page_info: PageInfo = strawberry.field(description="Where this page stands.")
    total_count: int = strawberry.field(description="How many items the whole list has.")


def _cursor(pk: int) -> str:
    return _b64(f"cursor:{pk}")


def page_request(first: int | None, after: str | None, max_page_size: int) -> PageRequest:
    """Checked paging arguments: `first` within the cap, `after` a cursor of ours."""
    size = max_page_size if first is None else first
    if size < 0:
        raise BadInput("first must not be negative", field="first")
    if size > max_page_size:
        raise LimitExceeded(f"first may be at most {max_page_size}", field="first")
    position = 0
    if after:
        try:
            prefix, _, pk = _unb64(after).partition(":")
            position = int(pk) if prefix == "cursor" else -1
        except (binascii.Error, UnicodeDecodeError, ValueError):
            position = -1
        if position < 0:
            raise BadInput("after is not a cursor of this list", field="after")
    return PageRequest(first=size, after=position)


def to_connection(page: Page, convert: Callable[[Row[Any]], T]) -> Connection[T]:
    edges = [Edge(cursor=_cursor(r.id), node=convert(r)) for r in page.rows]
    return Connection(
        edges=edges,
        page_info=PageInfo(
            has_next_page=page.has_next,
            has_previous_page=page.has_previous,
            start_cursor=edges[0].cursor if edges else None,
            end_cursor=edges[-1].cursor if edges else None,
        ),
        total_count=page.total,
    )
