"""What a GraphQL type is made of in the database, declared once next to the type.

A shape says, for each field a compiler may build in SQL, where its value lives: a column, the
row's global ID, a to-one relation (the foreign key and the target type), a paged to-many
relation (the foreign key, the target type and the list arguments that filter it) or a value
object held in columns. Rows come from the type's own `readable(principal)` select, and who
may read a field from the policy in auth: a shape holds neither, so the compiled read path
(schema.compiled) and the resolvers obey the same rule. A field a shape does not declare is
simply not compiled: the resolvers answer it.

These declarations say the same as the types' hand-written from_row and to_one/paged fields;
they could later generate them (issue 9: declare each type once).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from typing import Any

from sqlalchemy import Select, Table

from auth.principal import Principal

__all__ = [
    "ROOTS",
    "SHAPES",
    "ByKey",
    "Column",
    "FieldShape",
    "Filter",
    "GlobalId",
    "Paged",
    "RootField",
    "RootList",
    "Shape",
    "ToOne",
    "Value",
    "declare",
    "declare_root",
    "extend",
]

Readable = Callable[[Principal], Select[Any]]


@dataclass(frozen=True)
class Column:
    """A column shown as it is stored: text, integer, an enum stored by name, a date.

    `kind` says what the JSON needs beyond that: "bool" (SQLite keeps 0/1), "json" (a JSON
    document column: a list of strings)."""

    name: str
    kind: str = "plain"


@dataclass(frozen=True)
class GlobalId:
    """The row's Relay global ID (the type's name and its primary key)."""


@dataclass(frozen=True)
class ToOne:
    """The `target` row whose id the `fk` column names; null when absent or not readable."""

    target: str
    fk: str


@dataclass(frozen=True)
class Filter:
    """A list argument: rows whose `column` is one of the given values (`many`) or equals it.

    `check` turns the argument into the stored value and may refuse it (raise); an argument
    left out (null) filters nothing."""

    column: str
    many: bool = True
    check: Callable[[Any], Any] | None = None


@dataclass(frozen=True)
class Paged:
    """A cursor connection of the `target` rows whose `fk` column is this row's id."""

    target: str
    fk: str
    filters: Mapping[str, Filter] = dataclasses.field(default_factory=dict)


@dataclass(frozen=True)
class Value:
    """A value object held in the row's columns (Money: amount and currency); null when the
    `present` column is null."""

    present: str
    fields: Mapping[str, Column]


FieldShape = Column | GlobalId | ToOne | Paged | Value


@dataclass(frozen=True)
class Shape:
    type_name: str
    table: Table
    readable: Readable
    fields: Mapping[str, FieldShape]


@dataclass(frozen=True)
class RootList:
    """A root connection of the `target` rows the caller may read, filtered by arguments."""

    field: str
    target: str
    filters: Mapping[str, Filter] = dataclasses.field(default_factory=dict)


@dataclass(frozen=True)
class ByKey:
    """A root field answering the `target` row whose `column` equals the `argument`."""

    field: str
    target: str
    argument: str
    column: str


RootField = RootList | ByKey

SHAPES: dict[str, Shape] = {}
ROOTS: dict[str, RootField] = {}


def declare(shape: Shape) -> Shape:
    assert shape.type_name not in SHAPES, f"{shape.type_name} is declared twice"
    SHAPES[shape.type_name] = shape
    return shape


def extend(type_name: str, fields: Mapping[str, FieldShape]) -> None:
    """Fields a later area adds to an earlier area's type (stakeholders.common.extending)."""
    shape = SHAPES[type_name]
    clash = set(shape.fields) & set(fields)
    assert not clash, f"{type_name}: {clash} declared twice"
    SHAPES[type_name] = replace(shape, fields={**shape.fields, **fields})


def declare_root(root: RootField) -> RootField:
    assert root.field not in ROOTS, f"root field {root.field} is declared twice"
    ROOTS[root.field] = root
    return root
