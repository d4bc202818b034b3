"""Text no database column can store: NUL characters (PostgreSQL refuses them in text) and lone
surrogates (not UTF-8 at all). Every field that takes arguments checks them, literal or from
variables, before its resolver runs: BAD_INPUT naming the input field, as a service would, and
the request's other fields stand. Fields without arguments (nearly all) are left unwrapped, so
large reads pay nothing for it."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from graphql import GraphQLObjectType, GraphQLSchema, default_field_resolver

from stakeholders.errors import BadInput

__all__ = ["MAX_JSON_DEPTH", "guard_arguments", "json_depth_exceeded", "unstorable_reason"]

_UNSTORABLE = re.compile("[\x00\ud800-\udfff]")
# Deeper JSON than any input of the schema needs (enrollTrainees' rows are 4 levels deep).
MAX_JSON_DEPTH = 64


def unstorable_reason(text: str) -> str | None:
    """Why `text` cannot be stored, or None when it can."""
    found = _UNSTORABLE.search(text)
    if found is None:
        return None
    return "NUL characters" if found.group() == "\x00" else "lone surrogates (not UTF-8)"


def _first_unstorable(arguments: dict[str, Any]) -> tuple[str, str] | None:
    """(input field, reason) of the first unstorable string; the field is the argument, or
    within a mutation's one `input` the input's own field (services name them so)."""
    pending: list[tuple[str, Any]] = []
    for name, value in arguments.items():
        if name == "input" and isinstance(value, dict):
            pending.extend(value.items())
        else:
            pending.append((name, value))
    while pending:
        field, value = pending.pop()
        if isinstance(value, str):
            reason = unstorable_reason(value)
            if reason is not None:
                return field, reason
        elif isinstance(value, dict):
            pending.extend((field, item) for pair in value.items() for item in pair)
        elif isinstance(value, list):
            pending.extend((field, item) for item in value)
    return None


def _guarded(resolve: Callable[..., Any]) -> Callable[..., Any]:
    def resolver(root: Any, info: Any, **arguments: Any) -> Any:
        if arguments:
            found = _first_unstorable(arguments)
            if found is not None:
                field, reason = found
                raise BadInput(f"{field} must not contain {reason}", field=field)
        return resolve(root, info, **arguments)

    return resolver


def guard_arguments(schema: GraphQLSchema) -> None:
    """Wrap the resolver of every field that declares arguments (once, at build time)."""
    for graphql_type in schema.type_map.values():
        if not isinstance(graphql_type, GraphQLObjectType) or graphql_type.name.startswith("__"):
            continue
        for field in graphql_type.fields.values():
            if field.args:
                field.resolve = _guarded(field.resolve or default_field_resolver)


def json_depth_exceeded(value: Any) -> int | None:
    """The depth reached when `value` nests past MAX_JSON_DEPTH, else None. Iterative, so no
    nesting exhausts the stack of whatever reads the value next."""
    pending: list[tuple[int, Any]] = [(1, value)]
    while pending:
        depth, current = pending.pop()
        if depth > MAX_JSON_DEPTH:
            return depth
        if isinstance(current, dict):
            pending.extend((depth + 1, item) for item in current.values())
        elif isinstance(current, list):
            pending.extend((depth + 1, item) for item in current)
    return None
