"""The observatory's root fields."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

import strawberry

from stakeholders.common.resolvers import Info
from stakeholders.observatory.dimensions import Dimension
from stakeholders.observatory.service import IndicatorQuery, indicator_cells, readable_indicators
from stakeholders.observatory.types import IndicatorCell, IndicatorDefinition
from stakeholders.programmes.repository import readable_programmes

__all__ = ["ObservatoryQuery"]


@strawberry.type
class ObservatoryQuery:
    @strawberry.field(
        description="The indicators you may read in at least one programme you may see."
    )
    async def indicator_definitions(self, info: Info) -> list[IndicatorDefinition]:
        context = info.context
        stmt = readable_programmes(context.principal).with_only_columns(
            readable_programmes(context.principal).selected_columns.id
        )
        ids = list(await context.session.scalars(stmt))
        return [IndicatorDefinition.of(i) for i in readable_indicators(context.principal, ids)]

    @strawberry.field(
        description="Indicator cells computed from the raw records, one GROUP BY per subject. "
        "Cells outside your own scope are published with small cells suppressed "
        "(ACCORD_MIN_CELL_SIZE) and with complementary suppression, so that no suppressed cell "
        "can be recomputed from its row's or column's total."
    )
    async def indicators(
        self,
        info: Info,
        programme: Annotated[
            str | None,
            strawberry.argument(
                description="Only the programme of this code; all you see if none."
            ),
        ] = None,
        codes: Annotated[
            list[str] | None,
            strawberry.argument(
                description="Indicator codes (indicatorDefinitions); all that can be broken "
                "down by `by` if none."
            ),
        ] = None,
        by: Annotated[
            list[Dimension] | None,
            strawberry.argument(description="Dimensions to break down by; PROGRAMME always."),
        ] = None,
        from_: Annotated[
            dt.date | None,
            strawberry.argument(
                name="from",
                description="Only rows from this day (a cohort's start, a duty's due day).",
            ),
        ] = None,
        to: Annotated[
            dt.date | None,
            strawberry.argument(description="Only rows up to this day, included."),
        ] = None,
    ) -> list[IndicatorCell]:
        context = info.context
        query = IndicatorQuery(
            programme=programme,
            codes=tuple(codes) if codes is not None else None,
            by=tuple(by or ()),
            since=from_,
            until=to,
        )
        cells = await indicator_cells(
            context.session,
            context.principal,
            query,
            dialect=context.dialect,
            min_cell_size=context.min_cell_size,
        )
        return [IndicatorCell.of(c) for c in cells]
