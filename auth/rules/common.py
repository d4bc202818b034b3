"""Shorthands the rule tables are written with."""

from __future__ import annotations

from auth.relations import ANY_ROW, SAME_AS_ROW, FieldRule, Grant, MutationRule, Relation
from auth.roles import STAFF_ROLES, Role

__all__ = [
    "AUDITOR",
    "AUDIT_ALL",
    "COORDINATOR",
    "SPONSORS",
    "STAFF",
    "TRAINERS",
    "action",
    "anyone",
    "row_fields",
]

AUDITOR = frozenset({Role.AUDITOR})
COORDINATOR = frozenset({Role.COORDINATOR})
STAFF = frozenset(STAFF_ROLES)
TRAINERS = frozenset({Role.OPERATOR_STAFF, Role.UNIVERSITY_STAFF})
SPONSORS = frozenset({Role.SPONSOR_STAFF})
AUDIT_ALL = Grant(AUDITOR, ANY_ROW)


def anyone(*relations: Relation) -> tuple[Grant, ...]:
    """Grants to any role of a party standing in one of `relations` to the row."""
    return tuple(Grant(None, r) for r in relations)


def row_fields(names: str) -> dict[str, FieldRule]:
    """Fields readable by whoever may see the row, named in one whitespace-separated string."""
    return dict.fromkeys(names.split(), SAME_AS_ROW)


def action(grants: tuple[Grant, ...], target: str, type_name: str, writes: str) -> MutationRule:
    return MutationRule(grants, target, type_name, tuple(writes.split()))
