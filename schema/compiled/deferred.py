"""Fallback by subtree: the fields of a compiled object that the compiler does not build
(computed ones such as `viewerCan`, arguments it has no filter for, directives) are answered
by the resolvers, for those fields only.

The compiled JSON holds, in the field's place, a marker naming the deferral and the object's
global ID. After the statement, the objects of each deferral are resolved together through
`_entities` (one execution, so the request's loaders batch their rows as for any list),
with the document's own field nodes, fragments and variables, and their answers and errors
are put back at the objects' paths. The rows were read through `readable(principal)` by the
statement; `_entities` reads them through the same loaders as `node(id:)` does.
"""

from __future__ import annotations

from dataclasses import dataclass
from inspect import isawaitable
from typing import Any

from graphql import (
    ArgumentNode,
    DocumentNode,
    ExecutionResult,
    FieldNode,
    GraphQLError,
    InlineFragmentNode,
    ListTypeNode,
    NamedTypeNode,
    NameNode,
    NonNullTypeNode,
    OperationDefinitionNode,
    OperationType,
    SelectionSetNode,
    VariableDefinitionNode,
    VariableNode,
    execute,
    get_operation_ast,
)

__all__ = ["Deferral", "Pending", "Retry", "resolve_deferred", "resolve_instead"]

# The variable the representations are given in, beside the operation's own: a client's
# document that declares this very name has it replaced in the deferred execution only.
REPRESENTATIONS = "accordCompiledRepresentations"


class Retry(Exception):
    """A deferred answer the merge cannot place (an object nulled by a non-null field's error,
    or a row gone between the statement and the resolvers): the resolvers answer the whole
    root field, this time."""


@dataclass(frozen=True)
class Deferral:
    """Fields of objects of one type, at one place of the selection, left to the resolvers."""

    type_name: str
    key: str
    nodes: list[FieldNode]


@dataclass
class Pending:
    """One object's deferred field: where its answer goes once resolved."""

    deferral: int
    global_id: str
    container: dict[str, Any]
    path: list[str | int]


async def resolve_deferred(
    execution: Any, deferrals: list[Deferral], pending: list[Pending]
) -> list[GraphQLError]:
    """Fills every pending field with the resolvers' answer; their errors, at real paths."""
    errors: list[GraphQLError] = []
    by_deferral: dict[int, list[Pending]] = {}
    for item in pending:
        by_deferral.setdefault(item.deferral, []).append(item)
    for number, items in by_deferral.items():
        errors += await _resolve_one(execution, deferrals[number], items)
    return errors


async def _resolve_one(
    execution: Any, deferral: Deferral, items: list[Pending]
) -> list[GraphQLError]:
    representations = [{"__typename": deferral.type_name, "id": i.global_id} for i in items]
    result = await _entities(execution, deferral, representations)
    answers = (result.data or {}).get("_entities")
    if not isinstance(answers, list) or len(answers) != len(items):
        raise Retry("the resolvers gave no answer for the deferred objects")
    for item, answer in zip(items, answers, strict=True):
        if answer is None:
            raise Retry("a deferred object was nulled")
        item.container[deferral.key] = answer.get(deferral.key)
    return [_moved(error, items) for error in result.errors or []]


def _moved(error: GraphQLError, items: list[Pending]) -> GraphQLError:
    """The error at the path it has in the client's document (from `_entities.<n>.<key>`)."""
    path = error.path or []
    if len(path) < 3 or path[0] != "_entities" or not isinstance(path[1], int):
        raise Retry("an error outside the deferred fields")
    moved = [*items[path[1]].path, *path[3:]]
    return GraphQLError(
        error.message,
        error.nodes,
        path=moved,
        original_error=error.original_error,
        extensions=error.extensions,
    )


async def _entities(
    execution: Any, deferral: Deferral, representations: list[dict[str, str]]
) -> ExecutionResult:
    document: DocumentNode = execution.graphql_document
    operation = get_operation_ast(document, execution.operation_name)
    assert operation is not None
    wanted = _entities_operation(operation, deferral)
    variables = {**(execution.variables or {}), REPRESENTATIONS: representations}
    return await resolve_instead(execution, operation, wanted, variables)


async def resolve_instead(
    execution: Any,
    operation: OperationDefinitionNode,
    replacement: OperationDefinitionNode,
    variables: dict[str, Any] | None,
) -> ExecutionResult:
    """The request's document with `replacement` for its operation, run by the resolvers
    with the request's own context (its session, loaders and principal)."""
    document: DocumentNode = execution.graphql_document
    definitions = tuple(replacement if d is operation else d for d in document.definitions)
    schema = execution.schema
    result = execute(
        schema._schema,
        DocumentNode(definitions=definitions),
        root_value=execution.root_value,
        context_value=execution.context,
        variable_values=variables,
        operation_name=execution.operation_name,
        executor_class=schema.execution_context_class,
    )
    if isawaitable(result):
        result = await result
    assert isinstance(result, ExecutionResult)
    return result


def _entities_operation(
    operation: OperationDefinitionNode, deferral: Deferral
) -> OperationDefinitionNode:
    """`query($r: [_Any!]!, <the operation's variables>) { _entities(representations: $r)
    { ... on <Type> { <the deferred field nodes> } } }`, under the operation's own name."""
    variable = VariableNode(name=NameNode(value=REPRESENTATIONS))
    any_list = NonNullTypeNode(
        type=ListTypeNode(type=NonNullTypeNode(type=NamedTypeNode(name=NameNode(value="_Any"))))
    )
    on_type = InlineFragmentNode(
        type_condition=NamedTypeNode(name=NameNode(value=deferral.type_name)),
        directives=(),
        selection_set=SelectionSetNode(selections=tuple(deferral.nodes)),
    )
    entities = FieldNode(
        name=NameNode(value="_entities"),
        arguments=(ArgumentNode(name=NameNode(value="representations"), value=variable),),
        directives=(),
        selection_set=SelectionSetNode(selections=(on_type,)),
    )
    return OperationDefinitionNode(
        operation=OperationType.QUERY,
        name=operation.name,
        variable_definitions=(
            *(operation.variable_definitions or ()),
            VariableDefinitionNode(variable=variable, type=any_list, directives=()),
        ),
        directives=(),
        selection_set=SelectionSetNode(selections=(entities,)),
    )
