"""The marker a refused field leaves in the compiled JSON, and what it becomes: null, and a
FORBIDDEN error at its path with the message PolicyGuard gives on the resolver path.

The marker is an object whose one key starts with a private-use character: where a field that
may be refused stands, no value can look like it (a stored text is a JSON string, a relation's
object has GraphQL names for keys). Only those places are looked at, and only when the text
holds that character at all: a document without it goes out as the database wrote it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from graphql import FieldNode, GraphQLError

from auth.errors import Forbidden

__all__ = ["FORBIDDEN_JSON", "Site", "may_hold_markers", "resolve_markers"]

_KEY = "\ue000"
FORBIDDEN_MARKER = {_KEY: "forbidden"}
FORBIDDEN_JSON = '{"' + _KEY + '":"forbidden"}'


@dataclass(frozen=True)
class Site:
    """A field that may be refused: its error message and the nodes asking for it."""

    message: str
    nodes: list[FieldNode]


def may_hold_markers(text: str) -> bool:
    return _KEY in text


def resolve_markers(
    document: Any, root: str, sites: dict[tuple[str, ...], Site]
) -> tuple[Any, list[GraphQLError]]:
    """`document` (parsed) with every marker null, and the errors they stand for, in order."""
    errors: list[GraphQLError] = []

    def walk(value: Any, path: list[str | int], keys: tuple[str, ...]) -> Any:
        site = sites.get(keys)
        if site is not None and value == FORBIDDEN_MARKER:
            original = Forbidden(site.message)
            error = GraphQLError(site.message, site.nodes, path=list(path), original_error=original)
            errors.append(error)
            return None
        if isinstance(value, dict):
            return {k: walk(v, [*path, k], (*keys, k)) for k, v in value.items()}
        if isinstance(value, list):
            return [walk(v, [*path, n], keys) for n, v in enumerate(value)]
        return value

    return walk(document, [root], (root,)), errors
