"""Errors as clients see them: a stable `extensions.code`, and nothing internal leaked.

Expected failures (AccordError) keep their message and code. Errors found before execution
(syntax, validation, variables) are the caller's: BAD_INPUT, or LIMIT_EXCEEDED for the query
limits. Anything else is INTERNAL with a masked message; the log keeps the traceback's frames
but not the exception text, which may hold personal data or SQL parameters.

strawberry hands every error to `Schema.process_errors` (which by default logs it whole); we
rewrite each error there, in place, so that every path out (parse, validation, execution) is
covered by the same function.
"""

from __future__ import annotations

import logging
import traceback
import uuid

from graphql import GraphQLError

from auth.errors import AccordError

__all__ = ["code_error"]

log = logging.getLogger("accord.errors")

LIMIT_MARKERS = ("exceeds maximum operation depth", "aliases", "max tokens")


def code_error(error: GraphQLError) -> None:
    """Give `error` its client-facing message and code (idempotent)."""
    if error.extensions and "code" in error.extensions:
        return
    original = error.original_error
    if isinstance(original, AccordError):
        _set(error, original.message, {"code": original.code, **original.extensions})
    elif original is None or isinstance(original, GraphQLError):
        code = "LIMIT_EXCEEDED" if _is_limit(error.message) else "BAD_INPUT"
        _set(error, error.message, {**(error.extensions or {}), "code": code})
    elif error.path is None and isinstance(original, ValueError | TypeError):
        _set(error, error.message, {"code": "BAD_INPUT"})  # a variable failed to parse
    else:
        incident = uuid.uuid4().hex[:12]
        frames = "".join(traceback.format_tb(original.__traceback__))
        log.error(
            "internal error %s at %s: %s\n%s", incident, error.path, type(original).__name__, frames
        )
        _set(error, f"Internal error (incident {incident}).", {"code": "INTERNAL"})


def _is_limit(message: str) -> bool:
    lowered = message.lower()
    return any(marker in lowered for marker in LIMIT_MARKERS)


def _set(error: GraphQLError, message: str, extensions: dict[str, object]) -> None:
    error.message = message
    error.extensions = extensions
    error.original_error = None
