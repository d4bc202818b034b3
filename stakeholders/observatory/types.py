"""The observatory's GraphQL types: aggregates only, never a row of anyone."""

from __future__ import annotations

import strawberry

from auth.policy import INDICATOR_ACCESS, describe
from stakeholders.observatory.definitions import Indicator
from stakeholders.observatory.dimensions import Dimension
from stakeholders.observatory.service import Cell

__all__ = ["IndicatorCell", "IndicatorDefinition", "IndicatorDimension"]


@strawberry.type(
    description="An indicator: numerator / denominator x factor over the raw records, each "
    "term in plain words (DHIS2's model)."
)
class IndicatorDefinition:
    code: str = strawberry.field(description="Stable code, e.g. FIRST_TIME_PASS_RATE.")
    name: str = strawberry.field(description="Name for people, in English.")
    numerator: str = strawberry.field(description="What the numerator counts, in plain words.")
    denominator: str | None = strawberry.field(
        description="What the denominator counts, in plain words; none for a count."
    )
    factor: int = strawberry.field(description="The ratio is multiplied by it (1, 100).")
    unit: str = strawberry.field(description="What the value is: count, percent, minor units.")
    dimensions: list[Dimension] = strawberry.field(description="What it can be broken down by.")
    readable_by: str = strawberry.field(description="Who may read it at all, from the policy.")
    unsuppressed_for: str = strawberry.field(
        description="Whose scope is shown without suppression, from the policy; everyone else "
        "reads it with small cells suppressed."
    )

    @classmethod
    def of(cls, indicator: Indicator) -> IndicatorDefinition:
        access = INDICATOR_ACCESS[indicator.access]
        return cls(
            code=indicator.code,
            name=indicator.name,
            numerator=indicator.numerator,
            denominator=indicator.denominator,
            factor=indicator.factor,
            unit=indicator.unit,
            dimensions=[d for d in Dimension if d in indicator.dimensions],
            readable_by=describe(access.readers),
            unsuppressed_for=describe(access.unsuppressed),
        )


@strawberry.type(description="One dimension of a cell and its value.")
class IndicatorDimension:
    name: Dimension = strawberry.field(description="The dimension.")
    value: str | None = strawberry.field(
        description="Its value (a code, a period); none where the rows have none (no district)."
    )


@strawberry.type(description="One value of an indicator for one combination of dimensions.")
class IndicatorCell:
    indicator: str = strawberry.field(description="The indicator's code.")
    dimensions: list[IndicatorDimension] = strawberry.field(
        description="The dimension values of the cell; PROGRAMME always among them."
    )
    value: float | None = strawberry.field(
        description="numerator / denominator x factor (a count: the numerator); null when "
        "suppressed or when the denominator is 0 or unknown."
    )
    numerator: float | None = strawberry.field(description="The numerator; null when suppressed.")
    denominator: float | None = strawberry.field(
        description="The denominator; null for a count and when suppressed."
    )
    suppressed: bool = strawberry.field(
        description="The cell is too small to publish to you (or would let one be recomputed): "
        "value, numerator and denominator are null."
    )

    @classmethod
    def of(cls, cell: Cell) -> IndicatorCell:
        return cls(
            indicator=cell.indicator,
            dimensions=[IndicatorDimension(name=d, value=v) for d, v in cell.dimensions],
            value=cell.value,
            numerator=cell.numerator,
            denominator=cell.denominator,
            suppressed=cell.suppressed,
        )
