"""JSON built inside the database, in each dialect's words: SQLite's json_object and
json_group_array, PostgreSQL's json_build_object and json_agg.

SQLite marks a value as JSON only within one expression (a subquery's result is plain text
again), so every nested document passes through json(); PostgreSQL's json values nest as they
are. Global IDs and cursors are URL-safe base64 without padding, as stakeholders.common.relay
writes them: PostgreSQL encodes in SQL, SQLite through a function the connection is given.
"""

from __future__ import annotations

import base64
from typing import Any

import orjson
from sqlalchemy import JSON, ColumnElement, Text, aggregate_order_by, case, cast, func
from sqlalchemy import literal_column, or_

__all__ = ["B64", "Json", "b64url", "const"]

# The SQLite function that writes global IDs and cursors (registered on first use).
B64 = "accord_b64url"


def b64url(text: str | None) -> str | None:
    """URL-safe base64 of `text` without padding: stakeholders.common.relay's encoding."""
    if text is None:
        return None
    return base64.urlsafe_b64encode(text.encode()).decode().rstrip("=")


class Json:
    """The JSON expressions of one dialect ("sqlite" or "postgresql")."""

    def __init__(self, dialect: str) -> None:
        self.dialect = dialect
        self.sqlite = dialect == "sqlite"

    def object(self, pairs: list[tuple[str, ColumnElement[Any]]]) -> ColumnElement[Any]:
        args: list[Any] = []
        for key, value in pairs:
            args += [const(key), value]
        return func.json_object(*args) if self.sqlite else func.json_build_object(*args)

    def nested(self, document: Any) -> ColumnElement[Any]:
        """A JSON document (a subquery's, a CASE's) kept as JSON inside another one."""
        return func.json(document) if self.sqlite else document

    def array(self, element: ColumnElement[Any], order: ColumnElement[Any]) -> ColumnElement[Any]:
        """The aggregate of `element` over the rows, in `order` (an empty list for none).

        SQLite (before 3.44) takes no ORDER BY in an aggregate: it reads the rows in the order
        of the derived table they come from, which is ordered and limited."""
        if self.sqlite:
            return func.json_group_array(element)
        aggregated = func.json_agg(aggregate_order_by(element, order))
        return func.coalesce(aggregated, literal_column("'[]'::json"))

    def boolean(self, condition: ColumnElement[Any]) -> ColumnElement[Any]:
        if self.sqlite:
            return func.json(case((condition, const("true")), else_=const("false")))
        return condition

    def document_column(self, column: ColumnElement[Any]) -> ColumnElement[Any]:
        """A JSON document column holding a list; an absent list (NULL, JSON null) is []."""
        if self.sqlite:
            empty = or_(column.is_(None), cast(column, Text) == const("null"))
            return func.json(case((empty, const("[]")), else_=cast(column, Text)))
        empty = or_(column.is_(None), func.jsonb_typeof(column) == const("null"))
        return case((empty, literal_column("'[]'::jsonb")), else_=column)

    def b64(self, text: ColumnElement[Any]) -> ColumnElement[Any]:
        if self.sqlite:
            return getattr(func, B64)(text)
        encoded = func.encode(func.convert_to(text, const("UTF8")), const("base64"))
        return func.rtrim(func.translate(encoded, const("+/"), const("-_")), const("="))

    def global_id(self, type_name: str, pk: ColumnElement[Any]) -> ColumnElement[Any]:
        return self.b64(const(f"{type_name}:").op("||")(cast(pk, Text)))

    def cursor(self, pk: ColumnElement[Any]) -> ColumnElement[Any]:
        # NULL stays NULL: a page without rows has no start or end cursor.
        return self.b64(const("cursor:").op("||")(cast(pk, Text)))

    def text(self, document: ColumnElement[Any]) -> ColumnElement[Any]:
        """The root document as text, whatever the driver does with JSON values."""
        return document if self.sqlite else cast(document, Text)

    def marker(self, text: str) -> ColumnElement[Any]:
        """A constant JSON string standing where a nested document would (see markers)."""
        quoted = const(orjson.dumps(text).decode())
        return func.json(quoted) if self.sqlite else cast(quoted, JSON)


def const(text: str) -> ColumnElement[Any]:
    """A constant string the compiler itself writes (names, markers), inlined in the SQL:
    no parameter whose type PostgreSQL would have to guess."""
    return literal_column("'" + text.replace("'", "''") + "'")
