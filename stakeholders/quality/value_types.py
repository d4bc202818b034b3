"""Parts of quality's objects: a call's criteria, a review's scores, figures, rankings."""

from __future__ import annotations

import datetime as dt
from typing import Any

import strawberry

from stakeholders.common.resolvers import to_one
from stakeholders.delivery.enums import CohortMode, CohortStatus
from stakeholders.delivery.loaders import CohortByIdLoader
from stakeholders.delivery.types import Cohort
from stakeholders.parties.loaders import PartyByIdLoader
from stakeholders.parties.types import Party
from stakeholders.quality.figures import Figures

__all__ = [
    "ConsolidatedScore",
    "Criterion",
    "CriterionScore",
    "OfferSession",
    "OperatorQuality",
    "QualityFigures",
    "ReviewerIdentity",
    "rate",
]


@strawberry.type(description="A criterion of a call's scoring grid, scored 0 to 5.")
class Criterion:
    code: str = strawberry.field(description="Its code in the grid, e.g. PEDAGOGY.")
    name: str = strawberry.field(description="What it judges.")
    weight: float = strawberry.field(description="Its weight in the weighted total.")
    threshold: float = strawberry.field(
        description="The consolidated score an accepted application reaches on it (0-5); "
        "below it, only with a recorded derogation."
    )

    @classmethod
    def of(cls, data: dict[str, Any]) -> Criterion:
        return cls(
            code=data["code"],
            name=data["name"],
            weight=float(data["weight"]),
            threshold=float(data["threshold"]),
        )


@strawberry.type(description="A reviewer's score on one criterion, with its comment.")
class CriterionScore:
    criterion: str = strawberry.field(description="The criterion's code.")
    score: int = strawberry.field(description="0 (absent) to 5 (excellent).")
    comment: str = strawberry.field(description="Why this score.")

    @classmethod
    def of(cls, data: dict[str, Any]) -> CriterionScore:
        return cls(criterion=data["criterion"], score=int(data["score"]), comment=data["comment"])


@strawberry.type(description="The submitted reviews' mean score on one criterion.")
class ConsolidatedScore:
    criterion: str = strawberry.field(description="The criterion's code.")
    mean: float = strawberry.field(description="Mean of the submitted reviews' scores (0-5).")
    threshold: float = strawberry.field(description="The grid's threshold on it.")
    below_threshold: bool = strawberry.field(description="True when the mean is below it.")


@strawberry.type(description="Who reviews: shown to the reviewer, the owner and auditors only.")
class ReviewerIdentity:
    sub: str = strawberry.field(description="The person's subject (their token's sub).")
    party_pk: strawberry.Private[int]

    party = to_one(Party, PartyByIdLoader, "party_pk", "The party they review for.")


@strawberry.type(description="A session of a training offer: a cohort that runs it, as published.")
class OfferSession:
    code: str = strawberry.field(description="The cohort's code.")
    starts_on: dt.date = strawberry.field(description="First day.")
    ends_on: dt.date = strawberry.field(description="Last day.")
    mode: CohortMode = strawberry.field(description="In person, online or blended.")
    capacity: int = strawberry.field(description="Places.")
    status: CohortStatus = strawberry.field(description="Planned, open, running or ended.")
    cohort_pk: strawberry.Private[int]
    district_pk: strawberry.Private[int | None]

    @classmethod
    def from_row(cls, row: Any) -> OfferSession:
        return cls(
            code=row.code,
            starts_on=row.starts_on,
            ends_on=row.ends_on,
            mode=CohortMode(row.mode),
            capacity=row.capacity,
            status=CohortStatus(row.status),
            cohort_pk=row.cohort_id,
            district_pk=row.district_party_id,
        )

    district = to_one(Party, PartyByIdLoader, "district_pk", "Where it takes place.")
    cohort = to_one(Cohort, CohortByIdLoader, "cohort_pk", "The cohort itself, if you may see it.")


def rate(numerator: int, denominator: int) -> float | None:
    """A percentage, None when nothing was measured (never a misleading 0)."""
    return round(100.0 * numerator / denominator, 1) if denominator else None


@strawberry.type(description="Quality figures from the raw records of the trainings it counts.")
class QualityFigures:
    enrolled: int = strawberry.field(description="Enrolments that took place.")
    completed: int = strawberry.field(description="Of them, completed.")
    first_attempts: int = strawberry.field(description="Enrolments with a first test taken.")
    first_time_passed: int = strawberry.field(description="Of them, passed at the first attempt.")
    first_time_pass_rate: float | None = strawberry.field(
        description="firstTimePassed / firstAttempts, in percent; null when none was taken."
    )
    placed_within_six_months: int = strawberry.field(
        description="Completed enrolments followed by a job starting at most six months "
        "after the training's end."
    )
    placement_rate: float | None = strawberry.field(
        description="placedWithinSixMonths / completed, in percent; null when none completed."
    )

    @classmethod
    def of(cls, f: Figures) -> QualityFigures:
        return cls(
            enrolled=f.enrolled,
            completed=f.completed,
            first_attempts=f.first_attempts,
            first_time_passed=f.first_attempts_passed,
            first_time_pass_rate=rate(f.first_attempts_passed, f.first_attempts),
            placed_within_six_months=f.placed,
            placement_rate=rate(f.placed, f.completed),
        )


@strawberry.type(description="An operator's quality figures in a programme.")
class OperatorQuality:
    figures: QualityFigures = strawberry.field(description="Its figures there.")
    operator_pk: strawberry.Private[int]

    operator = to_one(Party, PartyByIdLoader, "operator_pk", "The operator.")
