"""What quality adds to earlier areas' types: a programme's calls and training offers.

Earlier areas never import quality; these fields are spliced into their types when this
module loads (stakeholders.common.extending), before the schema is built.
"""

from __future__ import annotations

from stakeholders.common.extending import add_field
from stakeholders.common.relay import After, Connection, First
from stakeholders.common.resolvers import Info, paged
from stakeholders.programmes.types import Programme
from stakeholders.quality import loaders as ld
from stakeholders.quality.types import Call, TrainingOffer
from stakeholders.quality.value_types import OperatorQuality, QualityFigures

__all__: list[str] = []


async def calls(root: Programme, info: Info) -> list[Call]:
    rows = await info.context.loaders.get(ld.CallsByProgrammeLoader).load(root.programme_id)
    return [Call.from_row(r) for r in rows]


async def training_offers(
    root: Programme, info: Info, first: First = None, after: After = None
) -> Connection[TrainingOffer]:
    return await paged(
        info, ld.OffersByProgrammeLoader, root.programme_id, TrainingOffer.from_row, first, after
    )


async def operator_quality(root: Programme, info: Info) -> list[OperatorQuality] | None:
    found = await info.context.loaders.get(ld.OperatorFiguresLoader).load(root.programme_id)
    return [OperatorQuality(figures=QualityFigures.of(f), operator_pk=op) for op, f in found]


add_field(Programme, "calls", calls, description="Its calls you may see, oldest first.")
add_field(
    Programme,
    "training_offers",
    training_offers,
    description="Its training offers you may see (the public: published ones), in id order.",
)
add_field(
    Programme,
    "operator_quality",
    operator_quality,
    description="Each operator's quality figures here, from the raw records.",
)
