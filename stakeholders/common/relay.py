"""Relay building blocks: the Node interface, opaque global IDs and cursor connections."""

from __future__ import annotations

import base64
import binascii
import re
from collections.abc import Callable
from typing import Annotated, Any, Generic, TypeVar

import strawberry
from sqlalchemy import Row

from stakeholders.common.loading import Page, PageRequest
from stakeholders.errors import BadInput, LimitExceeded, NotFound

__all__ = [
    "MAX_KEY",
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
    strawberry.argument(
        description="Page size, 0 or more; defaults to, and may not exceed, the hub's cap "
        "(100 unless configured otherwise)."
    ),
]
After = Annotated[
    str | None,
    strawberry.argument(
        description="Start after this cursor (pageInfo.endCursor or an edge's cursor of this "
        "list); from the beginning when omitted."
    ),
]


# Primary keys are 32-bit INTEGER on PostgreSQL: a larger number names no row, and sent to the
# database it overflows there (or, past 64 bits, in the driver) as an internal error.
MAX_KEY = 2**31 - 1
# URL-safe base64 as _b64 writes it, padding optional: the decoder itself skips other characters.
_BASE64URL = re.compile(r"[A-Za-z0-9_-]*={0,2}")
# "Type:123"; ASCII digits only, since int() also reads "+1", "1_0", " 1" and Arabic-Indic digits.
_PAYLOAD = re.compile(r"(\w+):(-?[0-9]+)", re.ASCII)


def _b64(text: str) -> str:
    return base64.urlsafe_b64encode(text.encode()).decode().rstrip("=")


def _unb64(text: str) -> str | None:
    """The UTF-8 text that `text` encodes in URL-safe base64; None when it encodes none."""
    if not _BASE64URL.fullmatch(text):
        return None  # also refuses lone surrogates and other non-ASCII before any encoding
    unpadded = text.rstrip("=")
    try:
        return base64.urlsafe_b64decode(unpadded + "=" * (-len(unpadded) % 4)).decode()
    except (binascii.Error, UnicodeDecodeError):
        return None


def _key(digits: str) -> int | None:
    """The primary key that `digits` spell; None when no row can have it (<= 0 or > MAX_KEY)."""
    significant = digits.lstrip("0")
    # Longer than MAX_KEY's 10 digits is out of range: no need to build a huge int (which
    # int() refuses past 4,300 digits anyway).
    if digits.startswith("-") or not significant or len(significant) > len(str(MAX_KEY)):
        return None
    key = int(significant)
    return key if key <= MAX_KEY else None


def _opaque(value: str) -> tuple[str, str] | None:
    """(prefix, digits) of one of our opaque strings (global IDs, cursors); None if malformed."""
    text = _unb64(value)
    found = _PAYLOAD.fullmatch(text) if text is not None else None
    return (found[1], found[2]) if found else None


def to_global_id(type_name: str, pk: int) -> strawberry.ID:
    return strawberry.ID(_b64(f"{type_name}:{pk}"))


def decode_global_id(value: str, *, field: str = "id") -> tuple[str, int]:
    """(type name, key) of a global ID: BAD_INPUT if malformed, NOT_FOUND if no row can have it."""
    opaque = _opaque(value)
    if opaque is None:
        raise BadInput(f"{field} is not a valid ID", field=field)
    type_name, digits = opaque
    key = _key(digits)
    if key is None:
        # Well-formed, so the caller gets what any ID of a missing row gets.
        raise NotFound(f"no {type_name} has the {field} given", field=field)
    return type_name, key


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
    return PageRequest(first=size, after=_position(after) if after else 0)


def _position(after: str) -> int:
    """The primary key a cursor of ours stands after; BAD_INPUT for anything else."""
    opaque = _opaque(after)
    key = _key(opaque[1]) if opaque is not None and opaque[0] == "cursor" else None
    if key is None:
        raise BadInput("after is not a cursor of this list", field="after")
    return key


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
