"""The access policy: roles x types x fields x actions, declared once as data in auth.rules.

Every rule is a tuple of grants; a grant names the roles it is for (None: anyone, even the
anonymous caller) and the relation that must hold between the caller and the row (see
auth.relations). The functions below answer every question the other packages ask of it.

Default deny: a type, field or action that is not in auth.rules cannot be read or done, and
the schema refuses to build with a field that has no rule.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from auth.errors import Forbidden, Unauthenticated
from auth.principal import ANONYMOUS, Principal
from auth.relations import (
    ANY_ROW,
    EVERY_KEY,
    SAME_AS_ROW,
    EveryKey,
    FieldRule,
    Grant,
    Relation,
    SameAsRow,
    TypeRule,
)
from auth.rules import (
    ALWAYS,
    INDICATOR_ACCESS,
    MUTATIONS,
    OPEN_IN,
    SUBSCRIPTIONS,
    TYPES,
    VALUE_TYPES,
)

__all__ = [
    "EVERY_KEY",
    "INDICATOR_ACCESS",
    "MUTATIONS",
    "SAME_AS_ROW",
    "SUBSCRIPTIONS",
    "TYPES",
    "VALUE_TYPES",
    "FieldRule",
    "Grant",
    "Relation",
    "RowFilter",
    "TypeRule",
    "authorize",
    "can_read_field",
    "can_read_row",
    "closed_reason",
    "derived_keys",
    "describe",
    "field_rule",
    "grants_filter",
    "indicator_filter",
    "may",
    "may_read_somewhere",
    "may_write_somewhere",
    "needs_authentication",
    "read_grants",
    "role_only_scopes",
    "row_filter",
]


def field_rule(type_name: str, field_name: str) -> FieldRule:
    """The declared rule of a field; KeyError when there is none (default deny)."""
    return TYPES[type_name].fields[field_name]


def can_read_row(principal: Principal, type_name: str, row: Any) -> bool:
    return any(g.allows(principal, row) for g in TYPES[type_name].rows)


def can_read_field(principal: Principal, type_name: str, field_name: str, row: Any) -> bool:
    rule = TYPES.get(type_name)
    if rule is None or field_name not in rule.fields:
        return False
    grants = rule.fields[field_name]
    if isinstance(grants, SameAsRow):
        return can_read_row(principal, type_name, row)
    return any(g.allows(principal, row) for g in grants)


RowFilter = list[tuple[str, frozenset[Any]]] | EveryKey


def row_filter(principal: Principal, type_name: str) -> RowFilter:
    """The rows of `type_name` the caller may see: EVERY_KEY, or (column, keys) pairs to OR.

    An empty list means no row at all.
    """
    rule = TYPES[type_name]
    return grants_filter(principal, rule.rows, rule.columns)


def grants_filter(
    principal: Principal, grants: Iterable[Grant], columns: Mapping[str, str] | None = None
) -> RowFilter:
    """The rows any of `grants` lets the caller reach, as row_filter answers it."""
    clauses: list[tuple[str, frozenset[Any]]] = []
    for grant in grants:
        if not principal.has_any_role(grant.roles):
            continue
        keys = grant.relation.keys(principal)
        if isinstance(keys, EveryKey):
            return EVERY_KEY
        if keys:
            fact = grant.relation.fact or ""
            clauses.append(((columns or {}).get(fact, fact), keys))
    return clauses


def indicator_filter(principal: Principal, access: str, which: str) -> RowFilter:
    """The counted rows of an indicator of `access` (auth.rules.observatory) the caller may
    count at all (`which` "readers") or read unsuppressed ("unsuppressed")."""
    rule = INDICATOR_ACCESS[access]
    grants = rule.readers if which == "readers" else rule.unsuppressed
    assert not any(g.relation.derived for g in grants), "indicators test the rows' own facts"
    return grants_filter(principal, grants)


def may(principal: Principal, action: str, target: Any) -> bool:
    """Whether the policy lets the caller do `action` to `target` (what `viewerCan` shows),
    the programme's state included."""
    rule = MUTATIONS.get(action)
    return (
        rule is not None
        and any(g.allows(principal, target) for g in rule.grants)
        and closed_reason(principal, action, target) is None
    )


def closed_reason(principal: Principal, action: str, target: Any) -> str | None:
    """Why the state of the target's programme refuses `action` (auth.rules.lifecycle), if it
    does; None when it allows it or the target belongs to no programme."""
    if action in ALWAYS:
        return None
    programme_id = getattr(target, "programme_id", None)
    state = principal.programme_states.get(programme_id) if programme_id is not None else None
    if state is None or state == "ACTIVE" or action in OPEN_IN.get(state, frozenset()):
        return None
    return f"the programme is {state}: {action} is not open in a {state} programme"


def derived_keys(principal: Principal, type_name: str) -> dict[str, frozenset[Any]]:
    """For each derived fact the type's rules use, the caller's keys (empty: never holds)."""
    rule = TYPES[type_name]
    grants = [*rule.rows, *(g for f in rule.fields.values() if isinstance(f, tuple) for g in f)]
    out: dict[str, frozenset[Any]] = {}
    for grant in grants:
        relation = grant.relation
        if relation.derived and relation.fact:
            keys = relation.keys(principal) if principal.has_any_role(grant.roles) else frozenset()
            assert not isinstance(keys, EveryKey), "a derived relation names its keys"
            out[relation.fact] = out.get(relation.fact, frozenset()) | keys
    return out


def authorize(principal: Principal, action: str, target: Any) -> None:
    """Raise unless the policy lets the caller do `action` to `target`."""
    rule = MUTATIONS.get(action)
    if rule is None:
        raise Forbidden(f"{action} is not allowed to anyone")
    if principal.is_anonymous:
        raise Unauthenticated(f"sign in to {action}")
    if not any(g.allows(principal, target) for g in rule.grants):
        raise Forbidden(f"{action} needs {describe(rule.grants)} ({rule.target})")


def _possible(principal: Principal, grants: Iterable[Grant]) -> bool:
    """Some row could satisfy one of `grants` for this caller (its role fits, its keys exist)."""
    return any(principal.has_any_role(g.roles) and bool(g.relation.keys(principal)) for g in grants)


def _read_grants(type_name: str, field_name: str) -> tuple[Grant, ...]:
    grants = TYPES[type_name].fields[field_name]
    return TYPES[type_name].rows if isinstance(grants, SameAsRow) else grants


def may_read_somewhere(principal: Principal, type_name: str, field_name: str) -> bool:
    """Whether the caller can read this field on at least some rows."""
    return _possible(principal, TYPES[type_name].rows) and _possible(
        principal, _read_grants(type_name, field_name)
    )


def may_write_somewhere(principal: Principal, type_name: str, field_name: str) -> bool:
    """Whether some action the caller may do on some rows changes this field."""
    return any(
        rule.type_name == type_name
        and field_name in rule.writes
        and _possible(principal, rule.grants)
        for rule in MUTATIONS.values()
    )


def needs_authentication(grants: Iterable[Grant]) -> bool:
    """No grant can ever hold for the anonymous caller: a router may demand a token."""
    return not _possible(ANONYMOUS, grants)


def role_only_scopes(grants: tuple[Grant, ...]) -> list[list[str]] | None:
    """The roles, as OAuth scopes, when the rule depends on roles alone (no row relation)."""
    if not grants or any(g.roles is None or g.relation is not ANY_ROW for g in grants):
        return None
    return [[role] for role in sorted({r for g in grants for r in g.roles or ()})]


def read_grants(type_name: str, field_name: str) -> tuple[Grant, ...]:
    """The grants that decide whether a field is readable (its own, or its row's)."""
    return _read_grants(type_name, field_name)


def describe(grants: Iterable[Grant]) -> str:
    """The grants in words, as GraphiQL and error messages show them."""
    parts = []
    for grant in grants:
        who = "anyone" if grant.roles is None else " or ".join(sorted(grant.roles))
        parts.append(who if grant.relation is ANY_ROW else f"{who} {grant.relation.words}")
    return "; ".join(parts) if parts else "nobody"
