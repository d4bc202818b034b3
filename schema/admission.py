"""A document is admitted before it costs anything: tokens while parsing, then depth, aliases
and cost (schema.limits) before validation, so that no validation rule ever walks a document
too big to walk. A refusal is LIMIT_EXCEEDED naming the measure, its limit and what was
measured (`extensions.measure`, `limit`, `measured`)."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from graphql import (
    ASTValidationRule,
    DocumentNode,
    GraphQLError,
    GraphQLSchema,
    GraphQLSyntaxError,
    parse,
    validate,
)
from graphql.validation import NoSchemaIntrospectionCustomRule
from strawberry.extensions import SchemaExtension

from schema.limits import Measures, measure

__all__ = ["Admission", "Limits", "admission", "limit_exceeded"]

TOO_MANY_TOKENS = re.compile(r"Document contains more than (\d+) tokens")
TOO_DEEP_TO_PARSE = "Document is nested too deeply"
# Distinct documents kept parsed and validated; bounded, since every query text is a key, and
# only short ones: 256 bodies of 2 MB of whitespace around `{ __typename }` would hold 512 MB.
CACHE_SIZE = 256
CACHED_LENGTH = 20_000
# graphql-core's validation stops ("Validation aborted.") past this nesting through fragments.
MAX_NESTING = 200
# Fields answering under one name in one selection set, which validation compares pairwise:
# 100 costs it ~40 ms, and leaves room for dozens of fragments that each select `id`.
MAX_REPEATS = 100


@dataclass(frozen=True)
class Limits:
    max_tokens: int = 2_000
    max_depth: int = 12
    max_aliases: int = 30
    max_cost: int = 10_000_000
    page_cap: int = 100
    introspection: bool = True


def limit_exceeded(
    message: str, *, measure_name: str, limit: int, measured: int, nodes: Any = None
) -> GraphQLError:
    extensions = {
        "code": "LIMIT_EXCEEDED",
        "measure": measure_name,
        "limit": limit,
        "measured": measured,
    }
    return GraphQLError(message, nodes, extensions=extensions)


def _parse(query: str, max_tokens: int) -> DocumentNode:
    try:
        return parse(query, max_tokens=max_tokens)
    except GraphQLSyntaxError as error:
        if TOO_MANY_TOKENS.search(error.message):
            # The parser stops at the first token past the limit: that is what was counted.
            message = f"the document has more than {max_tokens} tokens"
            raise limit_exceeded(
                message, measure_name="tokens", limit=max_tokens, measured=max_tokens + 1
            ) from None
        if TOO_DEEP_TO_PARSE in error.message:
            message = f"the document nests more than {MAX_NESTING} levels"
            raise limit_exceeded(
                message, measure_name="nesting", limit=MAX_NESTING, measured=MAX_NESTING + 1
            ) from None
        raise


def _validate(
    schema: GraphQLSchema, document: DocumentNode, rules: tuple[type[ASTValidationRule], ...]
) -> list[GraphQLError]:
    # graphql-core 3.3 parses `{ }`, and its suggestions ("Did you mean ...?") map the schema
    # for whoever probes it with typos.
    return validate(
        schema, document, rules, hide_suggestions=True, allow_empty_selection_sets=False
    )


_parse_cached = lru_cache(maxsize=CACHE_SIZE)(_parse)
_validate_cached = lru_cache(maxsize=CACHE_SIZE)(_validate)


def _refusals(found: Measures, limits: Limits) -> list[GraphQLError]:
    checks = [
        ("nesting", found.nesting, MAX_NESTING, "selections nested {0} deep; at most {1}"),
        ("depth", found.depth, limits.max_depth, "the operation is {0} deep; at most {1} allowed"),
        ("aliases", found.aliases, limits.max_aliases, "{0} aliases; at most {1} allowed"),
        ("cost", found.cost, limits.max_cost, "estimated cost {0}; at most {1} allowed"),
        ("repeats", found.repeats, MAX_REPEATS, "{0} fields answer under one name; at most {1}"),
    ]
    # One refusal, the first in this order: the client fixes one thing at a time.
    for name, value, limit, text in checks:
        if value > limit:
            message = text.format(value, limit)
            return [limit_exceeded(message, measure_name=name, limit=limit, measured=value)]
    return []


class Admission(SchemaExtension):
    """Parses with a token limit, refuses by measure, then validates (both cached)."""

    def __init__(self, *, limits: Limits) -> None:
        self.limits = limits

    def on_parse(self) -> Iterator[None]:
        context = self.execution_context
        if context.query is not None and context.graphql_document is None:
            parse_once = _parse_cached if len(context.query) <= CACHED_LENGTH else _parse
            context.graphql_document = parse_once(context.query, self.limits.max_tokens)
        yield

    def on_validate(self) -> Iterator[None]:
        context = self.execution_context
        document = context.graphql_document
        assert document is not None
        variables = context.variables if isinstance(context.variables, dict) else None
        found = measure(
            document,
            context.schema._schema,
            operation_name=context.operation_name,
            variables=variables,
            page_cap=self.limits.page_cap,
        )
        refused = _refusals(found, self.limits)
        schema, rules = context.schema._schema, tuple(context.validation_rules)
        if not self.limits.introspection:
            rules += (NoSchemaIntrospectionCustomRule,)
        small = document.loc is None or document.loc.end <= CACHED_LENGTH
        validate_once = _validate_cached if small else _validate
        context.pre_execution_errors = refused or validate_once(schema, document, rules)
        yield


def admission(limits: Limits) -> Callable[[], Admission]:
    return lambda: Admission(limits=limits)
