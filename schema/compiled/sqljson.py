"""JSON built inside the database, in each dialect's words.

PostgreSQL: json_build_object and json_agg, whose json values nest as they are.

SQLite: the JSON text itself, concatenated (`'{"code":' || json_quote(code) || '}'`), arrays
with group_concat. Its json_object would need json() around every nested document (a
subquery's result is plain text again), which parses each level's text once more, and nests
the statement deeper than SQLite's parser takes for three levels of lists. Every value is JSON
text there, never NULL (json_quote(NULL) is 'null'): a NULL would void the whole document.

Global IDs and cursors are URL-safe base64 without padding, as stakeholders.common.relay
writes them: PostgreSQL encodes in SQL, SQLite through a function the connection is given.
"""

from __future__ import annotations

import base64
from typing import Any

import orjson
from sqlalchemy import (
    JSON,
    ColumnElement,
    Text,
    aggregate_order_by,
    case,
    cast,
    func,
    literal_column,
    null,
    or_,
)

__all__ = ["B64", "Json", "b64url", "const"]

# The SQLite function that writes global IDs and cursors (registered on first use).
B64 = "accord_b64url"


def b64url(text: str | None) -> str | None:
    """URL-safe base64 of `text` without padding: stakeholders.common.relay's encoding."""
    if text is None:
        return None
    return base64.urlsafe_b64encode(text.encode()).decode().rstrip("=")


def const(text: str) -> ColumnElement[Any]:
    """A constant string the compiler itself writes (names, markers), inlined in the SQL:
    no parameter whose type PostgreSQL would have to guess."""
    return literal_column("'" + text.replace("'", "''") + "'", Text)


def _concat(*parts: ColumnElement[Any]) -> ColumnElement[Any]:
    """`a || b || c`, flat (a custom operator would be parenthesised at every step)."""
    joined = cast(parts[0], Text) if not isinstance(parts[0].type, Text) else parts[0]
    for part in parts[1:]:
        joined = joined.concat(part)
    return joined


def _quoted(text: str) -> str:
    return orjson.dumps(text).decode()


class Json:
    """The JSON expressions of one dialect ("sqlite" or "postgresql")."""

    def __init__(self, dialect: str) -> None:
        self.dialect = dialect
        self.sqlite = dialect == "sqlite"

    def scalar(self, value: ColumnElement[Any]) -> ColumnElement[Any]:
        """A stored value (text, number, NULL) as a JSON value."""
        return func.json_quote(value) if self.sqlite else value

    def name(self, text: str) -> ColumnElement[Any]:
        """A constant string value (__typename)."""
        return const(_quoted(text)) if self.sqlite else const(text)

    def object(self, pairs: list[tuple[str, ColumnElement[Any]]]) -> ColumnElement[Any]:
        if not self.sqlite:
            args: list[Any] = []
            for key, value in pairs:
                args += [const(key), value]
            return func.json_build_object(*args)
        if not pairs:
            return const("{}")
        parts: list[ColumnElement[Any]] = []
        for n, (key, value) in enumerate(pairs):
            parts += [const(("{" if n == 0 else ",") + _quoted(key) + ":"), value]
        return _concat(*parts, const("}"))

    def array(self, element: ColumnElement[Any], order: ColumnElement[Any]) -> ColumnElement[Any]:
        """The aggregate of `element` over the rows, in `order` (an empty list for none).

        SQLite (before 3.44) takes no ORDER BY in an aggregate: it reads the rows in the order
        of the derived table they come from, which is ordered and limited."""
        if self.sqlite:
            items = func.coalesce(func.group_concat(element, const(",")), const(""))
            return _concat(const("["), items, const("]"))
        aggregated = aggregate_order_by(func.json_agg(element), order)
        return func.coalesce(aggregated, literal_column("'[]'::json"))

    def optional(self, present: ColumnElement[bool], document: Any) -> ColumnElement[Any]:
        """`document` where `present` holds, else null."""
        return case((present, document), else_=const("null") if self.sqlite else null())

    def boolean(self, condition: ColumnElement[Any]) -> ColumnElement[Any]:
        if self.sqlite:
            return case((condition, const("true")), else_=const("false"))
        return condition

    def document_column(self, column: ColumnElement[Any]) -> ColumnElement[Any]:
        """A JSON document column holding a list; an absent list (NULL, JSON null) is []."""
        if self.sqlite:
            empty = or_(column.is_(None), cast(column, Text) == const("null"))
            return case((empty, const("[]")), else_=cast(column, Text))
        empty = or_(column.is_(None), func.jsonb_typeof(column) == const("null"))
        return case((empty, literal_column("'[]'::jsonb")), else_=column)

    def guarded(self, condition: Any, value: ColumnElement[Any], marker: str) -> Any:
        """`value` where `condition` holds, else the JSON `marker`."""
        if self.sqlite:
            return case((condition, value), else_=const(marker))
        return case((condition, func.to_json(value)), else_=cast(const(marker), JSON))

    def _b64(self, text: ColumnElement[Any]) -> ColumnElement[Any]:
        if self.sqlite:
            return func.json_quote(getattr(func, B64)(text))
        encoded = func.encode(func.convert_to(text, const("UTF8")), const("base64"))
        return func.rtrim(func.translate(encoded, const("+/"), const("-_")), const("="))

    def global_id(self, type_name: str, pk: ColumnElement[Any]) -> ColumnElement[Any]:
        return self._b64(_concat(const(f"{type_name}:"), cast(pk, Text)))

    def cursor(self, pk: ColumnElement[Any]) -> ColumnElement[Any]:
        # NULL stays null: a page without rows has no start or end cursor.
        return self._b64(_concat(const("cursor:"), cast(pk, Text)))

    def text(self, document: ColumnElement[Any]) -> ColumnElement[Any]:
        """The root document as text, whatever the driver does with JSON values."""
        return document if self.sqlite else cast(document, Text)
