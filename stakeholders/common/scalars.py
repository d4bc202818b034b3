"""Scalars the areas share; `SCALARS` goes into the schema's config."""

from __future__ import annotations

from typing import Any, NewType

import strawberry

__all__ = ["SCALARS", "MinorUnits"]

MinorUnits = NewType("MinorUnits", int)


def _parse_minor_units(value: object) -> int:
    # JSON numbers beyond 2^53 lose precision in JavaScript clients: refuse them.
    if isinstance(value, bool) or not isinstance(value, int) or abs(value) > 2**53:
        raise ValueError("MinorUnits must be an integer within +/- 2^53")
    return value


SCALARS: dict[object, Any] = {
    MinorUnits: strawberry.scalar(
        name="MinorUnits",
        description="An amount in the currency's minor unit (cents, fen, centimes): an integer "
        "up to 2^53, as GraphQL's 32-bit Int cannot hold a programme's budget.",
        serialize=int,
        parse_value=_parse_minor_units,
    )
}
