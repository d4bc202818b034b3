"""What the programmes' plans share: weekly calendars, parties taken in turn, where trainees
live, who examines, and failing the employment rule."""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable, Sequence
from typing import Any, TypeVar

from demo.scale.plan import Cast, CohortDraft
from stakeholders.delivery.enums import EmploymentStatus
from stakeholders.programmes.enums import ParticipantRole

__all__ = [
    "any_district",
    "cohort_operator",
    "district_in_turn",
    "employment_becomes",
    "evaluator_else",
    "in_turn",
    "living_near",
    "track_name",
    "weekly",
]

T = TypeVar("T")


def weekly(first: dt.date, count: int) -> tuple[dt.date, ...]:
    """`count` intakes a week apart, from `first`."""
    return tuple(first + dt.timedelta(weeks=w) for w in range(count))


def in_turn(items: Sequence[T], i: int) -> T:
    """The `i`-th cohort's pick of `items`, which the cohorts take in turn."""
    return items[i % len(items)]


def district_in_turn(cast: Cast, i: int) -> str | None:
    """The `i`-th cohort's district, the programme's districts taken in turn; None if none."""
    return in_turn(cast.districts, i) if cast.districts else None


def any_district(rng: random.Random, cast: Cast) -> str | None:
    """One of the programme's districts, or None where it has none."""
    return rng.choice(cast.districts) if cast.districts else None


def living_near(rng: random.Random, cohort: CohortDraft, cast: Cast, share: float) -> str | None:
    """The cohort's district for `share` of its trainees, any of the programme's for the rest."""
    district = cohort.staffing.district
    if district is not None and rng.random() < share:
        return district
    return any_district(rng, cast)


def evaluator_else(cast: Cast, otherwise: str) -> str:
    """The programme's first EVALUATOR; `otherwise` where none takes part."""
    evaluators = cast.role(ParticipantRole.EVALUATOR)
    return evaluators[0] if evaluators else otherwise


def cohort_operator(cohort: CohortDraft, cast: Cast) -> str:
    """The cohort's operator, where the training organisation examines and certifies."""
    return cohort.staffing.operator


def track_name(cohort: CohortDraft, cast: Cast) -> str:
    """The name of the track the cohort teaches first (its code where the programme has none)."""
    track = cohort.staffing.modules[0]
    return cast.tracks.get(track, track)


def employment_becomes(status: EmploymentStatus) -> Callable[[random.Random, dict[str, Any]], str]:
    """A `Plan.make_ineligible` that fails the employment rule by giving the trainee `status`."""

    def make_ineligible(rng: random.Random, trainee: dict[str, Any]) -> str:
        trainee["employment_status"] = status
        return "EMPLOYMENT_STATUS"

    return make_ineligible
