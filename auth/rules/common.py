"""Shorthands the rule tables are written with."""

from __future__ import annotations

from auth.relations import SAME_AS_ROW, SUPERVISED, FieldRule, Grant, MutationRule, Relation
from auth.roles import STAFF_ROLES, Role

__all__ = [
    "AUDITING",
    "AUDITOR",
    "COORDINATOR",
    "EVALUATORS",
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
# The staff of an evaluation body: its own role, or a university's or operator's staff.
EVALUATORS = frozenset({Role.EVALUATOR}) | TRAINERS
# Auditors read what their party supervises, never hub-wide (CONTRACT.md, "Identity").
AUDITING = Grant(AUDITOR, SUPERVISED)


def anyone(*relations: Relation) -> tuple[Grant, ...]:
    """Grants to any role of a party standing in one of `relations` to the row."""
    return tuple(Grant(None, r) for r in relations)


def row_fields(names: str) -> dict[str, FieldRule]:
    """Fields readable by whoever may see the row, named in one whitespace-separated string."""
    return dict.fromkeys(names.split(), SAME_AS_ROW)


def action(grants: tuple[Grant, ...], target: str, type_name: str, writes: str) -> MutationRule:
    return MutationRule(grants, target, type_name, tuple(writes.split()))
