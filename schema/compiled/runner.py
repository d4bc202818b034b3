"""The compiled read path: a query's root fields answered by one statement each, the rest by
the resolvers, merged into one answer.

Runs as a schema extension after admission (parsed, measured, validated, all cached): it sets
the execution result itself, so strawberry skips its own execution. Root fields the compiler
does not cover run through graphql-core's execution of the same document restricted to them
(fallback by root field), with the request's own context, loaders and session; fields of a
compiled object that it does not cover are answered by the resolvers for that subtree only
(schema.compiled.deferred).
"""

from __future__ import annotations

import dataclasses
from collections import Counter, OrderedDict
from collections.abc import AsyncIterator, Hashable
from dataclasses import dataclass
from typing import Any

import orjson
from graphql import (
    DocumentNode,
    ExecutionResult,
    FieldNode,
    FragmentDefinitionNode,
    GraphQLError,
    OperationDefinitionNode,
    SelectionSetNode,
    get_operation_ast,
)
from graphql.execution.values import get_variable_values
from sqlalchemy import Select
from sqlalchemy.exc import OperationalError
from sqlalchemy.ext.asyncio import AsyncSession
from strawberry.extensions import SchemaExtension
from strawberry.types.graphql import OperationType

from schema.compiled.compiler import Compiler
from schema.compiled.deferred import Deferral, Retry, resolve_deferred, resolve_instead
from schema.compiled.markers import Site, may_hold_markers, resolve_markers
from schema.compiled.selection import Fields, Uncovered, collect
from schema.compiled.sqljson import B64, b64url
from stakeholders.common.shapes import ROOTS

# The areas' declarations, imported for what they register.
from stakeholders.delivery import shapes as _delivery  # noqa: F401
from stakeholders.parties import shapes as _parties  # noqa: F401
from stakeholders.programmes import shapes as _programmes  # noqa: F401

__all__ = ["ANSWERED", "CompiledReads", "compiled_reads"]

# Root fields answered by each path since start-up (the tests read it; a metric could).
ANSWERED: Counter[str] = Counter()
# Parses a compiled document: only one that may hold a marker needs it.
parse_json = orjson.loads
# SQLite's parser refuses a statement nested deeper than its stack (a query many levels deep).
TOO_DEEP = "parser stack overflow"


class CompiledReads(SchemaExtension):
    def __init__(self, *, page_cap: int) -> None:
        self.page_cap = page_cap

    async def on_execute(self) -> AsyncIterator[None]:  # type: ignore[override]
        context = self.execution_context
        if context.result is None and context.operation_type == OperationType.QUERY:
            context.result = await answer(context, self.page_cap)
        yield


def compiled_reads(page_cap: int) -> Any:
    return lambda: CompiledReads(page_cap=page_cap)


@dataclass
class Plan:
    """What a request's root fields compile to: a statement each (or a constant), the root
    fields left to the resolvers, and where refused fields may stand."""

    roots: Fields
    statements: dict[str, Any]
    fallback: list[str]
    sites: dict[tuple[str, ...], Site]
    deferrals: list[Deferral]
    only_fields: bool


# Plans of recent requests: the same document, operation, variables and caller compile to the
# same statements (which SQLAlchemy's own cache then finds compiled, for any caller of the same
# shape of policy). Bounded: documents are many, callers more.
PLANS: OrderedDict[Hashable, Plan | None] = OrderedDict()
MAX_PLANS = 256


def _plan_key(execution: Any, request: Any, page_cap: int) -> Hashable | None:
    principal = request.principal
    try:
        variables = orjson.dumps(execution.variables or {}, option=orjson.OPT_SORT_KEYS)
    except TypeError:
        return None
    # programme_roles is left out of a Principal's equality, yet relations read it.
    roles = tuple(sorted((p, tuple(sorted(r))) for p, r in principal.programme_roles.items()))
    query = execution.query
    return (query, execution.operation_name, variables, principal, roles, request.dialect, page_cap)


async def answer(execution: Any, page_cap: int) -> ExecutionResult | None:
    """The result of the query, or None when the resolvers should answer all of it."""
    request = execution.context
    if getattr(request, "loaders", None) is None or execution.query is None:
        return None
    key = _plan_key(execution, request, page_cap)
    if key is not None and key in PLANS:
        PLANS.move_to_end(key)
        plan = PLANS[key]
    else:
        plan = _plan(execution, request, page_cap)
        if key is not None:
            PLANS[key] = plan
            if len(PLANS) > MAX_PLANS:
                PLANS.popitem(last=False)
    if plan is None:
        return None
    return await _execute(execution, request, plan)


def _plan(execution: Any, request: Any, page_cap: int) -> Plan | None:
    schema = execution.schema._schema
    document: DocumentNode = execution.graphql_document
    operation = get_operation_ast(document, execution.operation_name)
    if operation is None or schema.query_type is None:
        return None
    fragments = {
        d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)
    }
    try:
        roots = collect(schema, schema.query_type, [operation.selection_set], fragments)
    except Uncovered:
        return None
    variables = get_variable_values(
        schema, operation.variable_definitions or (), execution.variables or {}
    )
    if isinstance(variables, list):
        return None  # the resolvers' execution reports the variables' errors
    compiler = Compiler(schema, fragments, variables, request.principal, request.dialect, page_cap)
    statements, fallback = _compile(compiler, roots)
    only_fields = all(isinstance(s, FieldNode) for s in operation.selection_set.selections)
    if not statements or (fallback and not only_fields):
        return None
    return Plan(roots, statements, fallback, compiler.sites, compiler.deferrals, only_fields)


async def _execute(execution: Any, request: Any, plan: Plan) -> ExecutionResult | None:
    data: dict[str, Any] = {}
    errors: list[GraphQLError] = []
    fallback = list(plan.fallback)
    for key, statement in list(plan.statements.items()):
        try:
            data[key] = await _run(execution, key, statement, plan, errors)
        except Uncovered:  # too deep for SQLite's parser: the resolvers answer it from now on
            del plan.statements[key]
            plan.fallback.append(key)
            fallback.append(key)
            if not plan.only_fields:
                return None
        except Retry:  # this answer only: the resolvers answer the root field
            fallback.append(key)
            if not plan.only_fields:
                return None
    if fallback:
        operation = get_operation_ast(execution.graphql_document, execution.operation_name)
        assert operation is not None
        rest = await _resolve(execution, operation, fallback)
        errors += rest.errors or []
        if rest.data is None:
            return ExecutionResult(data=None, errors=errors)
        data.update(rest.data)
    ANSWERED.update(compiled=len(plan.roots) - len(fallback), resolvers=len(fallback))
    ordered = {key: data[key] for key in plan.roots}
    return ExecutionResult(data=ordered, errors=errors or None)


def _compile(compiler: Compiler, roots: Fields) -> tuple[dict[str, Any], list[str]]:
    statements: dict[str, Any] = {}
    fallback: list[str] = []
    for key, nodes in roots.items():
        name = nodes[0].name.value
        root = ROOTS.get(name)
        if name == "__typename":
            statements[key] = "Query"
            continue
        try:
            if root is None:
                raise Uncovered(name)
            statements[key] = compiler.root(key, nodes, root)
        except Uncovered:
            fallback.append(key)
    return statements, fallback


async def _run(
    execution: Any, key: str, statement: Select[Any] | str, plan: Plan, errors: list[GraphQLError]
) -> Any:
    request = execution.context
    nodes = plan.roots[key]
    if isinstance(statement, str):
        return statement
    try:
        text = await _json_text(request, statement)
    except Exception as failure:  # as a resolver's would be: an error at the field
        if isinstance(failure, OperationalError) and TOO_DEEP in str(failure):
            raise Uncovered(TOO_DEEP) from None  # nothing ran: the resolvers answer it
        errors.append(GraphQLError(str(failure), nodes, path=[key], original_error=failure))
        return None
    if text is None:
        return None
    if not may_hold_markers(text):
        # Spliced into the response as the database wrote it (gateway.http encodes with orjson).
        return orjson.Fragment(text)
    value, refused, pending = resolve_markers(parse_json(text), key, plan.sites)
    # Errors join only once the whole root field is answered here (Retry drops them all).
    if pending:
        refused += await resolve_deferred(execution, plan.deferrals, pending)
        ANSWERED.update(subtrees=len({p.deferral for p in pending}))
    errors += refused
    return value


async def _json_text(request: Any, statement: Select[Any]) -> str | None:
    session: AsyncSession = request.session
    async with request.loaders.idle():
        if request.dialect == "sqlite":
            connection = await session.connection()
            await connection.run_sync(_give_base64)
        result = await session.execute(statement)
        value = result.scalar()
    return None if value is None else str(value)


def _give_base64(connection: Any) -> None:
    """SQLite has no base64: the connection learns ours once (global IDs, cursors)."""
    raw = connection.connection
    if not raw.info.get(B64):
        raw.dbapi_connection.create_function(B64, 1, b64url, deterministic=True)
        raw.info[B64] = True


async def _resolve(
    execution: Any, operation: OperationDefinitionNode, keys: list[str]
) -> ExecutionResult:
    """The root fields `keys` of the operation, answered by the resolvers."""
    wanted = set(keys)
    selections = tuple(
        s
        for s in operation.selection_set.selections
        if isinstance(s, FieldNode) and (s.alias or s.name).value in wanted
    )
    restricted = dataclasses.replace(
        operation, selection_set=SelectionSetNode(selections=selections)
    )
    return await resolve_instead(execution, operation, restricted, execution.variables)
