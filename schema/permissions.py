"""One mechanism for every field: the policy's rules attached to the schema when it is built.

A field whose rule is SAME_AS_ROW needs no check at run time (the row filter already decided);
every other field gets PolicyGuard, which resolves it to null with a FORBIDDEN error at its
path when the caller may not read it. A field without a rule stops the build: default deny
must never be silent.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from strawberry.extensions import FieldExtension
from strawberry.federation.schema_directives import Authenticated, RequiresScopes
from strawberry.types.base import StrawberryObjectDefinition, StrawberryOptional
from strawberry.types.field import StrawberryField
from strawberry.types.private import is_private

from auth.errors import Forbidden
from auth.policy import (
    MUTATIONS,
    SAME_AS_ROW,
    SUBSCRIPTIONS,
    TYPES,
    VALUE_TYPES,
    can_read_field,
    describe,
    needs_authentication,
    role_only_scopes,
)

__all__ = ["PolicyError", "PolicyGuard", "apply_policy"]

# Types that only carry what their parent field decided: roots, pages, payloads, federation.
STRUCTURAL_SUFFIXES = ("Connection", "Edge", "Payload")
ROOTS = frozenset({"Query", "Subscription", "_Service"})


class PolicyError(RuntimeError):
    """The schema and the policy disagree; the hub refuses to start."""


class PolicyGuard(FieldExtension):
    def __init__(self, type_name: str, field_name: str) -> None:
        self.type_name, self.field_name = type_name, field_name

    def _check(self, source: Any, info: Any) -> None:
        principal = info.context.principal
        if not can_read_field(principal, self.type_name, self.field_name, source):
            raise Forbidden(f"you may not read {self.type_name}.{self.field_name}")

    def resolve(self, next_: Any, source: Any, info: Any, **kwargs: Any) -> Any:
        self._check(source, info)
        return next_(source, info, **kwargs)

    async def resolve_async(self, next_: Any, source: Any, info: Any, **kwargs: Any) -> Any:
        self._check(source, info)
        result = next_(source, info, **kwargs)
        return await result if hasattr(result, "__await__") else result


def _is_structural(name: str) -> bool:
    return name in ROOTS or name in VALUE_TYPES or name.endswith(STRUCTURAL_SUFFIXES)


NameOf = Callable[[StrawberryField], str]


def apply_policy(definitions: Iterable[StrawberryObjectDefinition], name_of: NameOf) -> None:
    """Attach guards and "who may read" descriptions; raise PolicyError on any gap.

    `name_of` gives a field's GraphQL name, the one the policy uses.
    """
    for definition in definitions:
        if definition.is_interface or definition.is_input:
            continue
        name = definition.name
        if name == "Mutation":
            _apply_mutations(definition, name_of)
        elif name == "Subscription":
            _apply_subscriptions(definition, name_of)
        elif name in TYPES:
            _apply_type(definition, name_of)
        elif not _is_structural(name):
            raise PolicyError(f"type {name} has no rule in auth.policy.TYPES")


def _public_fields(definition: StrawberryObjectDefinition) -> list[StrawberryField]:
    return [f for f in definition.fields if not is_private(f.type)]


def _apply_type(definition: StrawberryObjectDefinition, name_of: NameOf) -> None:
    rule = TYPES[definition.name]
    fields = _public_fields(definition)
    names = {name_of(f) for f in fields}
    for stale in set(rule.fields) - names:
        raise PolicyError(f"auth.policy names {definition.name}.{stale}, which does not exist")
    _describe_once(definition, f"Visible to: {describe(rule.rows)}.")
    _route_directives(definition, rule.rows)
    for field in fields:
        name = name_of(field)
        if name not in rule.fields:
            raise PolicyError(f"field {definition.name}.{name} has no rule in auth.policy")
        grants = rule.fields[name]
        if grants is SAME_AS_ROW:
            continue
        assert isinstance(grants, tuple)
        if not isinstance(field.type, StrawberryOptional):
            raise PolicyError(
                f"field {definition.name}.{name} is guarded, so it must be nullable: "
                "a refused read resolves to null"
            )
        _describe_once(field, f"Readable by: {describe(grants)}.")
        _route_directives(field, grants)
        if not any(isinstance(e, PolicyGuard) for e in field.extensions):
            field.extensions.append(PolicyGuard(definition.name, name))


def _apply_mutations(definition: StrawberryObjectDefinition, name_of: NameOf) -> None:
    for field in definition.fields:
        rule = MUTATIONS.get(name_of(field))
        if rule is None:
            raise PolicyError(f"mutation {name_of(field)} has no rule in auth.policy.MUTATIONS")
        _describe_once(field, f"Allowed to: {describe(rule.grants)} ({rule.target}).")


def _apply_subscriptions(definition: StrawberryObjectDefinition, name_of: NameOf) -> None:
    """A subscription delivers rows of one type, each read under that type's rules."""
    for field in definition.fields:
        rule = SUBSCRIPTIONS.get(name_of(field))
        if rule is None:
            raise PolicyError(f"subscription {name_of(field)} has no rule in auth.policy")
        rows = TYPES[rule.type_name].rows
        _describe_once(field, f"Delivers {rule.type_name} rows visible to: {describe(rows)}.")


def _route_directives(item: Any, grants: tuple[Any, ...]) -> None:
    """Tell a federation router what it can enforce itself: a token, or role scopes."""
    directives = list(item.directives or ())
    present = {type(d) for d in directives}
    scopes = role_only_scopes(grants)
    if scopes is not None and RequiresScopes not in present:
        directives.append(RequiresScopes(scopes=scopes))
    elif needs_authentication(grants) and Authenticated not in present:
        directives.append(Authenticated())
    item.directives = directives


def _describe_once(item: Any, words: str) -> None:
    description = item.description or ""
    if words not in description:
        item.description = f"{description} {words}".strip()
