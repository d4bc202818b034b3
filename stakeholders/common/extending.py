"""How a later area adds to an earlier area's types without the earlier one knowing it.

Areas follow the data flow (parties < programmes < delivery < outcomes < ...): an enrolment
has assessments, but delivery must not import outcomes. Outcomes calls `add_field` on
delivery's Enrollment when its module loads, before the schema is built; the policy and the
SDL then treat the field like any other (NetBox splices its extensions the same way).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import strawberry

__all__ = ["add_field"]


def add_field(cls: type, name: str, resolver: Callable[..., Any], *, description: str) -> None:
    """Give the strawberry type `cls` a field `name` resolved by `resolver(root, ...)`."""
    definition = cls.__strawberry_definition__  # type: ignore[attr-defined]
    if any(f.python_name == name for f in definition.fields):
        raise ValueError(f"{definition.name} has a field {name} already")
    field = strawberry.field(resolver=resolver, description=description)
    field.python_name = name
    field.graphql_name = None
    field.origin = cls
    definition.fields.append(field)
