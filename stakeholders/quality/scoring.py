"""The grid's arithmetic, shared by the reads (consolidated scores, ranking) and the decision:
means per criterion over the submitted reviews, a weighted total, thresholds."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

__all__ = ["Consolidated", "consolidate", "weighted_total"]


@dataclass(frozen=True)
class Consolidated:
    criterion: str
    mean: float
    threshold: float

    @property
    def below(self) -> bool:
        return self.mean < self.threshold


def weighted_total(criteria: Sequence[dict[str, Any]], means: dict[str, float]) -> float:
    """The weighted mean of the criteria's scores, on the grid's 0-5 scale."""
    weights = sum(float(c["weight"]) for c in criteria)
    if not weights:
        return 0.0
    total = sum(float(c["weight"]) * means.get(c["code"], 0.0) for c in criteria)
    return round(total / weights, 3)


def consolidate(
    criteria: Sequence[dict[str, Any]], reviews: Sequence[Sequence[dict[str, Any]]]
) -> list[Consolidated]:
    """Each criterion's mean over the submitted reviews' scores (0 when none is submitted)."""
    out = []
    for criterion in criteria:
        scores = [
            int(s["score"]) for r in reviews for s in r if s["criterion"] == criterion["code"]
        ]
        mean = round(sum(scores) / len(scores), 3) if scores else 0.0
        out.append(Consolidated(criterion["code"], mean, float(criterion["threshold"])))
    return out
