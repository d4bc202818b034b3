"""The coded errors every layer raises; the GraphQL edge turns them into `extensions.code`."""

from __future__ import annotations

from typing import Any

__all__ = ["AccordError", "Forbidden", "Unauthenticated"]


class AccordError(Exception):
    """An expected failure whose message is safe to show to the caller."""

    code = "INTERNAL"

    def __init__(self, message: str, **extensions: Any) -> None:
        super().__init__(message)
        self.message = message
        self.extensions = extensions


class Unauthenticated(AccordError):
    code = "UNAUTHENTICATED"


class Forbidden(AccordError):
    code = "FORBIDDEN"
