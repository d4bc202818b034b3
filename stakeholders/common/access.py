"""Rows filtered in one place: the policy's row rule turned into a SELECT."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlalchemy import ColumnElement, Select, Table, any_, false, literal, or_, select
from sqlalchemy.dialects.postgresql import ARRAY

from auth.policy import EVERY_KEY, row_filter
from auth.principal import Principal

__all__ = ["in_keys", "readable_select"]


def readable_select(type_name: str, table: Table, principal: Principal) -> Select[Any]:
    """SELECT of the rows of `table` that the policy lets `principal` see as `type_name`."""
    stmt = select(table)
    clauses = row_filter(principal, type_name)
    if clauses is EVERY_KEY:
        return stmt
    if not clauses:
        return stmt.where(false())
    assert isinstance(clauses, list)
    return stmt.where(or_(*(table.c[col].in_(sorted(keys)) for col, keys in clauses)))


def in_keys(column: ColumnElement[Any], keys: Iterable[Any], dialect: str) -> ColumnElement[bool]:
    """`column IN keys`, as one array parameter on PostgreSQL (no limit on how many keys)."""
    values = list(keys)
    if dialect == "postgresql":
        return column == any_(literal(values, ARRAY(column.type)))
    return column.in_(values)
