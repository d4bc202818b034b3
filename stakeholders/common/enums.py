"""Enums in the schema with every value described; the Python values (stored) stay as they are."""

from __future__ import annotations

from collections.abc import Mapping
from enum import EnumMeta
from typing import TypeVar

import strawberry
from strawberry.types.enum import StrawberryEnumDefinition

__all__ = ["describe_enum"]

E = TypeVar("E", bound=EnumMeta)


def describe_enum(
    cls: E, description: str, values: Mapping[str, str], *, name: str | None = None
) -> E:
    """Register `cls` as a GraphQL enum (named `name`, by default the class's) described by
    `description`, each member by its words in `values`, keyed by member name.

    ValueError when a member has no words (or blank ones) or `values` names no member, so that
    an enum value added later cannot reach the SDL undescribed."""
    members = [member.name for member in cls]  # type: ignore[var-annotated]
    missing = [m for m in members if not values.get(m, "").strip()]
    unknown = sorted(set(values) - set(members))
    if missing or unknown:
        raise ValueError(
            f"{cls.__name__}: describe every member, and only those "
            f"(undescribed: {', '.join(missing) or '-'}; unknown: {', '.join(unknown) or '-'})"
        )
    registered = strawberry.enum(cls, name=name, description=description)
    definition: StrawberryEnumDefinition = registered.__strawberry_definition__  # type: ignore[attr-defined]
    # Strawberry lists one EnumValue per member, in the members' order.
    for member, value in zip(members, definition.values, strict=True):
        value.description = values[member]
    return registered
