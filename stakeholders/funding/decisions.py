"""What a subsidy rule decides, as pure functions over facts already read.

The service decides one certificate as it is issued; the demo's bulk load decides thousands
read in a few statements. Both go through these, so that the rule and its words exist once.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

__all__ = [
    "ALREADY_GRANTED",
    "TRAINING_RULE",
    "Sitting",
    "choose_fee",
    "evaluation_once",
    "first_attempt",
    "granted",
    "no_fee",
    "not_first",
    "outside_audience",
    "training_once",
]

ALREADY_GRANTED = "the person has this level's subsidy already"
TRAINING_RULE = "training subsidy per completed enrolment, at the programme's rate"


class Schedule(Protocol):
    id: int
    track_code: str | None
    level: str
    effective_from: dt.date


@dataclass(frozen=True)
class Sitting:
    """A test of the person in the programme, and the level its enrolment was certified at."""

    enrollment_id: int
    taken_on: dt.date
    level: str | None


def outside_audience(audiences: Sequence[str], employment_status: Any) -> str | None:
    """Why the holder is not paid, when the rule names audiences and the holder is of none."""
    if audiences and str(employment_status or "") not in audiences:
        return f"the rule pays {', '.join(audiences)}; the holder is {employment_status}"
    return None


def first_attempt(
    attempt: int, enrollment_id: int, level: str, taken_on: dt.date, tests: Iterable[Sitting]
) -> bool:
    """Attempt 1, and no test of the person in another enrolment of the programme on or
    before that day, unless that enrolment was certified at another level: a level is only
    known once certified, and public money takes the cautious reading."""
    if attempt != 1:
        return False
    return not any(
        t.enrollment_id != enrollment_id and t.taken_on <= taken_on and t.level in (None, level)
        for t in tests
    )


def not_first(attempt: int) -> str:
    return f"passed at attempt {attempt} or after an earlier test in the programme"


def choose_fee(
    schedules: Iterable[Any], level: str, tracks: Sequence[str], on: dt.date
) -> Any | None:
    """The fee that applies to a test taken `on` that day: of the schedules in force then,
    one for a track the cohort teaches before one for every track, the latest to take effect
    first; a later publication never reaches back."""
    in_force = sorted(
        (
            s
            for s in schedules
            if s.level == level
            and s.effective_from <= on
            and (s.track_code is None or s.track_code in tracks)
        ),
        key=lambda s: (s.effective_from, s.id),
        reverse=True,
    )
    chosen = [s for s in in_force if s.track_code is not None] or in_force
    return chosen[0] if chosen else None


def no_fee(level: str, taken_on: dt.date) -> str:
    return f"no fee for {level} was in force on {taken_on.isoformat()}"


def granted(level: str, taken_on: dt.date, effective_from: dt.date) -> str:
    return (
        f"first-time pass at {level}: the fee in force on {taken_on.isoformat()} "
        f"(published from {effective_from.isoformat()})"
    )


def evaluation_once(trainee_id: int, programme_id: int, level: str) -> str:
    """What makes an evaluation subsidy once: person, programme, level."""
    return f"{trainee_id}:{programme_id}:{level}"


def training_once(enrollment_id: int) -> str:
    """What makes a training subsidy once: the enrolment."""
    return f"enrollment:{enrollment_id}"
