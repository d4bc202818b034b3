"""The marker a refused field leaves in the compiled JSON, and what it becomes: null, and a
FORBIDDEN error at its path with the message PolicyGuard gives on the resolver path.

The marker is an object whose one key starts with a private-use character: where a field that
may be refused stands, no value can look like it (a stored text is a JSON string, a relation's
object has GraphQL names for keys). Only those places are looked at, and only when the text
holds that character at all: a document without it goes out as the database wrote it.
A field left to the resolvers stands as the same key with the deferral's number and the
object's ID beside it (schema.compiled.deferred).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from graphql import FieldNode, GraphQLError

from auth.errors import Forbidden
from schema.compiled.deferred import Pending

__all__ = [
    "FORBIDDEN_JSON",
    "MARKER_KEY",
    "Site",
    "deferred_marker",
    "may_hold_markers",
    "resolve_markers",
]

_KEY = "\ue000"
MARKER_KEY = _KEY
_DEFERRED = "resolvers:"
FORBIDDEN_MARKER = {_KEY: "forbidden"}
FORBIDDEN_JSON = '{"' + _KEY + '":"forbidden"}'


@dataclass(frozen=True)
class Site:
    """A field that may be refused: its error message and the nodes asking for it."""

    message: str
    nodes: list[FieldNode]


def may_hold_markers(text: str) -> bool:
    return _KEY in text


def deferred_marker(number: int) -> str:
    """The marker's value for the fields of deferral `number` (schema.compiled.deferred)."""
    return f"{_DEFERRED}{number}"


def _deferral(value: Any) -> int | None:
    if not isinstance(value, dict) or len(value) != 2:
        return None
    marker = value.get(_KEY)
    if not isinstance(marker, str) or not marker.startswith(_DEFERRED):
        return None
    return int(marker[len(_DEFERRED) :])


def resolve_markers(
    document: Any, root: str, sites: dict[tuple[str, ...], Site]
) -> tuple[Any, list[GraphQLError], list[Pending]]:
    """`document` (parsed) with every refusal marker null, the errors they stand for, in
    order, and the deferred fields to fill (null until the resolvers answer them)."""
    errors: list[GraphQLError] = []
    pending: list[Pending] = []

    def walk(value: Any, path: list[str | int], keys: tuple[str, ...]) -> Any:
        site = sites.get(keys)
        if site is not None and value == FORBIDDEN_MARKER:
            original = Forbidden(site.message)
            error = GraphQLError(site.message, site.nodes, path=list(path), original_error=original)
            errors.append(error)
            return None
        if isinstance(value, dict):
            found: dict[str, Any] = {}
            for k, v in value.items():
                number = _deferral(v)
                if number is None:
                    found[k] = walk(v, [*path, k], (*keys, k))
                else:
                    found[k] = None
                    pending.append(Pending(number, v["id"], found, [*path, k]))
            return found
        if isinstance(value, list):
            return [walk(v, [*path, n], keys) for n, v in enumerate(value)]
        return value

    return walk(document, [root], (root,)), errors, pending
