"""Rows filtered in one place: the policy's row rule turned into a SELECT."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import Any

from sqlalchemy import ColumnElement, Select, Table, any_, false, literal, or_, select
from sqlalchemy.dialects.postgresql import ARRAY

from auth.policy import EVERY_KEY, derived_keys, row_filter
from auth.principal import Principal

__all__ = ["DerivedFact", "in_keys", "readable_select"]


# Builds the SQL of a derived fact (see auth.relations.Relation) for a set of the caller's keys.
DerivedFact = Callable[[frozenset[Any]], ColumnElement[bool]]


def readable_select(
    type_name: str,
    table: Table,
    principal: Principal,
    derived: Mapping[str, DerivedFact] | None = None,
) -> Select[Any]:
    """SELECT of the rows of `table` that the policy lets `principal` see as `type_name`.

    Derived facts come along as boolean columns named after them, computed for this caller,
    so that field rules can be checked on the loaded row without another statement.
    """
    derived = derived or {}
    facts = derived_keys(principal, type_name)
    missing = set(facts) - set(derived)
    assert not missing, f"{type_name}: no SQL for derived facts {missing}"
    columns = [
        (derived[f](keys) if keys else false()).label(f) for f, keys in sorted(facts.items())
    ]
    stmt = select(table, *columns)
    clauses = row_filter(principal, type_name)
    if clauses is EVERY_KEY:
        return stmt
    if not clauses:
        return stmt.where(false())
    assert isinstance(clauses, list)
    return stmt.where(
        or_(
            *(
                derived[col](keys) if col in derived else table.c[col].in_(sorted(keys))
                for col, keys in clauses
            )
        )
    )


def in_keys(column: ColumnElement[Any], keys: Iterable[Any], dialect: str) -> ColumnElement[bool]:
    """`column IN keys`, as one array parameter on PostgreSQL (no limit on how many keys)."""
    values = list(keys)
    if dialect == "postgresql":
        return column == any_(literal(values, ARRAY(column.type)))
    return column.in_(values)
