"""Domain failures raised by services; each carries a stable code for `extensions.code`."""

from __future__ import annotations

from auth.errors import AccordError

__all__ = ["BadInput", "Conflict", "LimitExceeded", "NotFound"]


class BadInput(AccordError):
    """The input is wrong; `field` names the offending input field."""

    code = "BAD_INPUT"

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message, **({"field": field} if field else {}))


class NotFound(AccordError):
    code = "NOT_FOUND"


class Conflict(AccordError):
    """The stored state is not what the caller assumed (stale version, finished workflow)."""

    code = "CONFLICT"


class LimitExceeded(AccordError):
    code = "LIMIT_EXCEEDED"
