"""The policy's tables, one module per area, merged here; auth.policy answers from them."""

from __future__ import annotations

from dataclasses import replace
from typing import TypeVar

from auth.relations import FieldRule, MutationRule, TypeRule
from auth.rules.core import CORE_MUTATIONS, CORE_TYPES, CORE_VALUE_TYPES
from auth.rules.delivery import DELIVERY_MUTATIONS, DELIVERY_TYPES, DELIVERY_VALUE_TYPES
from auth.rules.funding import (
    FUNDING_FIELDS,
    FUNDING_MUTATIONS,
    FUNDING_TYPES,
    FUNDING_VALUE_TYPES,
)
from auth.rules.lifecycle import ALWAYS, OPEN_IN
from auth.rules.live import LIVE_SUBSCRIPTIONS, LIVE_VALUE_TYPES, SubscriptionRule
from auth.rules.observatory import INDICATOR_ACCESS, OBSERVATORY_VALUE_TYPES
from auth.rules.outcomes import OUTCOME_MUTATIONS, OUTCOME_TYPES, OUTCOME_VALUE_TYPES
from auth.rules.quality import (
    QUALITY_FIELDS,
    QUALITY_MUTATIONS,
    QUALITY_TYPES,
    QUALITY_VALUE_TYPES,
)

__all__ = [
    "ALWAYS",
    "INDICATOR_ACCESS",
    "MUTATIONS",
    "OPEN_IN",
    "SUBSCRIPTIONS",
    "TYPES",
    "VALUE_TYPES",
    "SubscriptionRule",
]


T = TypeVar("T")


def _merge(*tables: dict[str, T]) -> dict[str, T]:
    merged: dict[str, T] = {}
    for table in tables:
        clash = set(merged) & set(table)
        assert not clash, f"two areas declare {clash}"
        merged.update(table)
    return merged


def _extend(types: dict[str, TypeRule], *added: dict[str, dict[str, FieldRule]]) -> None:
    """Fields a later area adds to an earlier area's types, each with its own rule."""
    for table in added:
        for type_name, fields in table.items():
            clash = set(types[type_name].fields) & set(fields)
            assert not clash, f"{type_name}: two areas declare {clash}"
            types[type_name] = replace(
                types[type_name], fields={**types[type_name].fields, **fields}
            )


TYPES: dict[str, TypeRule] = _merge(
    CORE_TYPES, DELIVERY_TYPES, OUTCOME_TYPES, FUNDING_TYPES, QUALITY_TYPES
)
_extend(TYPES, FUNDING_FIELDS, QUALITY_FIELDS)
MUTATIONS: dict[str, MutationRule] = _merge(
    CORE_MUTATIONS, DELIVERY_MUTATIONS, OUTCOME_MUTATIONS, FUNDING_MUTATIONS, QUALITY_MUTATIONS
)
VALUE_TYPES = (
    CORE_VALUE_TYPES
    | DELIVERY_VALUE_TYPES
    | OUTCOME_VALUE_TYPES
    | FUNDING_VALUE_TYPES
    | QUALITY_VALUE_TYPES
    | OBSERVATORY_VALUE_TYPES
)
VALUE_TYPES |= LIVE_VALUE_TYPES
SUBSCRIPTIONS: dict[str, SubscriptionRule] = dict(LIVE_SUBSCRIPTIONS)

_undelivered = {r.type_name for r in SUBSCRIPTIONS.values()} - set(TYPES)
assert not _undelivered, f"subscriptions deliver types without rules: {_undelivered}"

_unknown = {a for actions in OPEN_IN.values() for a in actions} - set(MUTATIONS)
assert not _unknown, f"the lifecycle names actions that do not exist: {_unknown}"
