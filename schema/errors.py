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
import re
import traceback
import uuid

from graphql import GraphQLError

from auth.errors import AccordError
from schema.database_faults import is_statement_timeout, is_unavailable

__all__ = ["UNAVAILABLE_MESSAGE", "code_error", "without_suggestions"]

log = logging.getLogger("accord.errors")

# Limit messages of graphql-core's own that reach here without a code (schema.admission codes
# its own). Precise: "Use different aliases" in a field conflict is no limit.
LIMIT_MESSAGES = re.compile(
    r"exceeds maximum operation depth|Document contains more than \d+ tokens", re.IGNORECASE
)
# graphql-core appends these to unknown arguments, types, enum values and input fields: a map
# of the schema for whoever probes it with typos, with introspection off or not.
SUGGESTION = re.compile(r"\s*Did you mean [^?]*\?")
UNAVAILABLE_MESSAGE = "the database is unavailable: retry later"


def without_suggestions(message: str) -> str:
    return SUGGESTION.sub("", message)


def code_error(error: GraphQLError) -> None:
    """Give `error` its client-facing message and code (idempotent)."""
    if error.extensions and "code" in error.extensions:
        return
    original = error.original_error
    if original is not None and is_unavailable(original):
        log.warning("database unavailable at %s: %s", error.path, type(original).__name__)
        _set(error, UNAVAILABLE_MESSAGE, {"code": "UNAVAILABLE"})
    elif original is not None and is_statement_timeout(original):
        _set(error, "a statement ran past its time limit", {**_STATEMENT_TIMEOUT})
    elif isinstance(original, AccordError):
        _set(error, original.message, {"code": original.code, **original.extensions})
    elif original is None or isinstance(original, GraphQLError):
        code = "LIMIT_EXCEEDED" if _is_limit(error.message) else "BAD_INPUT"
        message = without_suggestions(error.message)
        _set(error, message, {**(error.extensions or {}), "code": code})
    elif error.path is None and isinstance(original, ValueError | TypeError):
        # a variable failed to parse
        _set(error, without_suggestions(error.message), {"code": "BAD_INPUT"})
    else:
        incident = uuid.uuid4().hex[:12]
        frames = "".join(traceback.format_tb(original.__traceback__))
        log.error(
            "internal error %s at %s: %s\n%s", incident, error.path, type(original).__name__, frames
        )
        _set(error, f"Internal error (incident {incident}).", {"code": "INTERNAL"})


_STATEMENT_TIMEOUT = {"code": "LIMIT_EXCEEDED", "measure": "statement_timeout"}


def _is_limit(message: str) -> bool:
    return LIMIT_MESSAGES.search(message) is not None


def _set(error: GraphQLError, message: str, extensions: dict[str, object]) -> None:
    error.message = message
    error.extensions = extensions
    error.original_error = None
