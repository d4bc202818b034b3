"""A validated selection set as the fields it answers, by response key, through fragments."""

from __future__ import annotations

import enum
from collections.abc import Mapping
from typing import Any

from graphql import (
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLObjectType,
    GraphQLSchema,
    InlineFragmentNode,
    NamedTypeNode,
    SelectionSetNode,
    get_argument_values,
)
from graphql.execution.values import VariableValues
from graphql.type import GraphQLField

from schema.text_checks import unstorable_reason

__all__ = ["Fields", "Uncovered", "arguments", "collect"]

# Response key -> the field nodes answering under it (several when a query repeats a field).
Fields = dict[str, list[FieldNode]]


class Uncovered(Exception):
    """The compiler does not build this selection: the resolvers answer it."""


def collect(
    schema: GraphQLSchema,
    object_type: GraphQLObjectType,
    selections: list[SelectionSetNode | None],
    fragments: Mapping[str, FragmentDefinitionNode],
) -> Fields:
    """The fields of `object_type` that the selection sets ask for, in the order asked."""
    found: Fields = {}
    for selection_set in selections:
        if selection_set is not None:
            _collect(schema, object_type, selection_set, fragments, found)
    return found


def _collect(
    schema: GraphQLSchema,
    object_type: GraphQLObjectType,
    selection_set: SelectionSetNode,
    fragments: Mapping[str, FragmentDefinitionNode],
    found: Fields,
) -> None:
    for selection in selection_set.selections:
        if selection.directives:
            raise Uncovered("directives (@skip, @include) are left to the resolvers")
        if isinstance(selection, FieldNode):
            key = selection.alias.value if selection.alias else selection.name.value
            found.setdefault(key, []).append(selection)
            continue
        condition: NamedTypeNode | None
        if isinstance(selection, FragmentSpreadNode):
            fragment = fragments[selection.name.value]
            condition, inner = fragment.type_condition, fragment.selection_set
        else:
            assert isinstance(selection, InlineFragmentNode)
            condition, inner = selection.type_condition, selection.selection_set
        if condition is None or _applies(schema, object_type, condition.name.value):
            _collect(schema, object_type, inner, fragments, found)


def _applies(schema: GraphQLSchema, object_type: GraphQLObjectType, condition: str) -> bool:
    if condition == object_type.name:
        return True
    abstract = schema.type_map.get(condition)
    return abstract is not None and any(i.name == condition for i in object_type.interfaces)


def arguments(
    field: GraphQLField, node: FieldNode, variables: VariableValues | None
) -> dict[str, Any]:
    """The field's arguments as the resolvers would get them (defaults applied), with enum
    members as their stored names."""
    values = get_argument_values(field, node, variables)
    if any(_unstorable(v) for v in values.values()):
        raise Uncovered("text no column stores: the resolvers' argument checks answer it")
    return {name: _stored(value) for name, value in values.items()}


def _unstorable(value: Any) -> bool:
    if isinstance(value, str):
        return unstorable_reason(value) is not None
    return isinstance(value, list) and any(_unstorable(v) for v in value)


def _stored(value: Any) -> Any:
    if isinstance(value, list):
        return [_stored(v) for v in value]
    return value.value if isinstance(value, enum.Enum) else value
