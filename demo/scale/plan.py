"""The shapes of a full-scale plan: how one programme's delivery is generated, as data."""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from stakeholders.delivery.enums import CohortMode
from stakeholders.funding.enums import BatchStatus, ClaimStatus
from stakeholders.outcomes.enums import ContractKind, FollowUpKind
from stakeholders.programmes.enums import ParticipantRole

__all__ = [
    "BatchRound",
    "Cast",
    "ClaimRound",
    "CohortDraft",
    "Exam",
    "Hiring",
    "Outcomes",
    "Plan",
    "Segment",
    "Settlement",
    "Staffing",
    "Tracking",
    "scaled",
    "weighted",
]


def scaled(n: int, factor: float) -> int:
    """`n` scaled by `factor`, rounded half up, never below one when `n` is not zero."""
    return 0 if n == 0 else max(1, int(n * factor + 0.5))


def weighted(rng: random.Random, weights: Mapping[Any, float]) -> Any:
    """One key of `weights`, drawn in proportion to its weight."""
    return rng.choices(list(weights), weights=list(weights.values()))[0]


@dataclass(frozen=True)
class Cast:
    """A programme's parties and rules as the database holds them (codes, not ids, in plans)."""

    programme_id: int
    programme_code: str
    pass_mark: int
    minimum_attendance: int
    # The programme's period: delivery happens while it is ACTIVE (auth.rules.lifecycle).
    starts_on: dt.date
    ends_on: dt.date | None
    tracks: Mapping[str, str]
    ids: Mapping[str, int]
    names: Mapping[str, str]
    roles: Mapping[ParticipantRole, tuple[str, ...]]
    # The programme's DISTRICT participants, else the DISTRICT parties of its country.
    districts: tuple[str, ...]
    # Who may hire its trainees: SPONSOR parties taking part as EMPLOYER, else as anything.
    sponsors: tuple[str, ...]

    def role(self, role: ParticipantRole) -> tuple[str, ...]:
        return self.roles.get(role, ())


@dataclass(frozen=True)
class Segment:
    """Cohorts alike in mode and calendar, and how many trainees they hold in all."""

    label: str
    cohorts: int
    trainees: int
    mode: CohortMode
    starts: tuple[dt.date, ...]
    days: int
    # The session days each cohort plans (its roll calls): completion is attendance over them.
    sessions: int


@dataclass(frozen=True)
class Staffing:
    """Who runs, hosts and serves one cohort, and what it teaches."""

    operator: str
    host: str | None
    district: str | None
    modules: tuple[str, ...]
    mode: CohortMode | None = None


@dataclass(frozen=True)
class CohortDraft:
    index: int
    code: str
    segment: Segment
    staffing: Staffing
    starts_on: dt.date
    ends_on: dt.date
    size: int

    @property
    def mode(self) -> CohortMode:
        return self.staffing.mode or self.segment.mode

    @property
    def capacity(self) -> int:
        # Rooms and licences come in round numbers, with a few seats to spare.
        return (self.size + 10) // 10 * 10


@dataclass(frozen=True)
class Outcomes:
    """Shares of enrolments that end INELIGIBLE or DROPPED (the rest COMPLETED)."""

    ineligible: float
    dropped: float
    drop_reasons: tuple[str, ...]


@dataclass(frozen=True)
class Exam:
    """The end-of-course test: scores drawn around `mean`; failed first attempts retaken."""

    mean: float
    spread: float
    retake: float
    # Days from the cohort's last day to the test, and from the test to the retake.
    delay: int
    retake_delay: int
    evaluator: Callable[[CohortDraft, Cast], str]
    issuer: Callable[[CohortDraft, Cast], str]
    level: Callable[[CohortDraft, Cast], str]


@dataclass(frozen=True)
class Hiring:
    """Placements of certified trainees with the programme's sponsors."""

    share: float
    titles: Mapping[str, tuple[str, ...]]
    contracts: Mapping[ContractKind, float]
    delay: tuple[int, int]


@dataclass(frozen=True)
class Tracking:
    """Follow-ups some months after the cohort ends, written by `author`."""

    kind: FollowUpKind
    share: float
    delay: tuple[int, int]
    author: str
    # Notes by outcome: "review" (no employment asked), "placed", "employed", "unemployed".
    notes: Mapping[str, Sequence[str]]
    # Chance that a trainee not placed through the programme is found employed anyway; None
    # for a review, which does not ask about employment.
    employed_anyway: float | None = None


@dataclass(frozen=True)
class ClaimRound:
    """An institution's claim of all it accrued before `submitted_on` for one bureau, taken
    as far as `reaches`; the bureau rejects `rejected` of its lines."""

    submitted_on: dt.date
    reaches: ClaimStatus
    rejected: int = 0


@dataclass(frozen=True)
class BatchRound:
    """The owner's batch of persons' subsidies accrued up to `up_to`, taken as far as `reaches`."""

    up_to: dt.date
    prepared_on: dt.date
    reaches: BatchStatus


@dataclass(frozen=True)
class Settlement:
    """How a programme's subsidies were claimed and paid: claims by the institutions in turn,
    payment batches by the owner, a step of `step_days` between two people's steps."""

    claims: tuple[ClaimRound, ...]
    batches: tuple[BatchRound, ...]
    # Why a bureau rejects a line, by the holder's employment status (a proof missing); "*"
    # for any other.
    missing_proof: Mapping[str, str]
    step_days: int = 10


PersonMaker = Callable[[random.Random, CohortDraft, Cast, set[str]], dict[str, Any]]


@dataclass(frozen=True)
class Plan:
    """Everything that makes one programme's full-scale delivery data."""

    programme: str
    prefix: str
    seed: str
    segments: tuple[Segment, ...]
    staffing: Callable[[random.Random, Segment, int, Cast], Staffing]
    # A trainee row (residence as a party id); the set holds national IDs already taken.
    person: PersonMaker
    # Changes a trainee so that an eligibility rule fails; returns the rule's criterion.
    make_ineligible: Callable[[random.Random, dict[str, Any]], str]
    outcomes: Outcomes
    exam: Exam
    hiring: Hiring | None = None
    tracking: Tracking | None = None
    settlement: Settlement | None = None
