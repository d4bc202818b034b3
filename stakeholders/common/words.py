"""Descriptions every area's inputs share, written once so that the SDL says one thing."""

from __future__ import annotations

__all__ = ["IDEMPOTENCY_KEY", "VERSION"]

VERSION = "The version you last read; a stale one is refused with CONFLICT."
IDEMPOTENCY_KEY = (
    "Your key for this request, 1-200 characters: sent again with the same input it returns "
    "the first answer and changes nothing; with another input it is CONFLICT."
)
