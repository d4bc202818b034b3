"""A plan turned into cohorts and, for every seat, the story of one trainee: pure and seeded."""

from __future__ import annotations

import datetime as dt
import random
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from demo.scale.plan import Cast, CohortDraft, Plan, Segment, scaled, weighted
from stakeholders.delivery.enums import EnrollmentStatus
from stakeholders.outcomes.enums import ContractKind

__all__ = ["Attempt", "Hire", "Story", "draft_cohorts", "opened_on", "session_days", "tell_stories"]

DAY = dt.timedelta(days=1)
WEEK = 7 * DAY
# How long before its start an operator opens a cohort, when the programme is running then.
OPENED_BEFORE = 60 * DAY


@dataclass
class Attempt:
    taken_on: dt.date
    score: int
    passed: bool
    id: int | None = None


@dataclass
class Hire:
    employer: str
    job_title: str
    contract: ContractKind
    starts_on: dt.date
    id: int | None = None


@dataclass
class FollowUpNote:
    observed_on: dt.date
    employed: bool | None
    note: str
    # Who writes it, when not the plan's tracking author: the employer of a placed trainee.
    author: str | None = None


@dataclass
class Certified:
    attempt: Attempt
    issued_on: dt.date
    number: str = ""
    id: int | None = None


@dataclass
class Story:
    """One trainee's way through one cohort; ids are filled in as rows are inserted."""

    cohort: CohortDraft
    trainee: dict[str, Any]
    status: EnrollmentStatus
    applied_on: dt.date
    failed_rule: str | None = None
    reason: str | None = None
    attempts: list[Attempt] = field(default_factory=list)
    certificate: Certified | None = None
    hire: Hire | None = None
    follow_up: FollowUpNote | None = None
    roll_call: list[tuple[dt.date, bool]] = field(default_factory=list)
    trainee_id: int | None = None
    enrollment_id: int | None = None


def draft_cohorts(plan: Plan, cast: Cast, factor: float) -> list[CohortDraft]:
    """The plan's cohorts at `factor` of their real number, trainees spread evenly over them."""
    rng = random.Random(f"{plan.seed}:cohorts")
    cohorts: list[CohortDraft] = []
    for segment in plan.segments:
        trainees = scaled(segment.trainees, factor)
        count = min(scaled(segment.cohorts, factor), trainees)
        for i, size in enumerate(_spread(trainees, count)):
            cohorts.append(_cohort(plan, cast, rng, segment, i, size, len(cohorts)))
    return cohorts


def _spread(total: int, parts: int) -> list[int]:
    base, extra = divmod(total, parts)
    return [base + (1 if i < extra else 0) for i in range(parts)]


def _cohort(
    plan: Plan, cast: Cast, rng: random.Random, segment: Segment, i: int, size: int, index: int
) -> CohortDraft:
    starts_on = segment.starts[i % len(segment.starts)]
    return CohortDraft(
        index=index,
        code=f"{plan.prefix}-{segment.label}-{i + 1:03d}",
        segment=segment,
        staffing=plan.staffing(rng, segment, i, cast),
        starts_on=starts_on,
        ends_on=starts_on + (segment.days - 1) * DAY,
        size=size,
    )


def opened_on(cohort: CohortDraft, cast: Cast) -> dt.date:
    """The day the operator created the cohort: some weeks before its start, but never before
    the programme's own start (a programme takes no delivery before it is ACTIVE)."""
    return max(cohort.starts_on - OPENED_BEFORE, cast.starts_on)


def tell_stories(plan: Plan, cast: Cast, cohorts: list[CohortDraft]) -> list[Story]:
    """Every seat of every cohort: who sat in it and what came of it."""
    rng = random.Random(f"{plan.seed}:people")
    # Roll calls draw from a stream of their own, so that they leave the people as they are.
    calls = random.Random(f"{plan.seed}:roll-calls")
    taken: set[str] = set()
    stories = [
        _story(plan, cast, rng, calls, cohort, taken)
        for cohort in cohorts
        for _ in range(cohort.size)
    ]
    _number_certificates(stories, cast.programme_code)
    return stories


def _story(
    plan: Plan,
    cast: Cast,
    rng: random.Random,
    calls: random.Random,
    cohort: CohortDraft,
    taken: set[str],
) -> Story:
    trainee = plan.person(rng, cohort, cast, taken)
    # Applications come in once the cohort is open.
    applied_on = max(cohort.starts_on - rng.randrange(7, 45) * DAY, opened_on(cohort, cast))
    story = Story(cohort, trainee, EnrollmentStatus.COMPLETED, applied_on)
    draw = rng.random()
    if draw < plan.outcomes.ineligible:
        story.status = EnrollmentStatus.INELIGIBLE
        story.failed_rule = plan.make_ineligible(rng, trainee)
        return story
    if draw < plan.outcomes.ineligible + plan.outcomes.dropped:
        story.status = EnrollmentStatus.DROPPED
        story.reason = rng.choice(plan.outcomes.drop_reasons)
    else:
        _sit_exam(plan, cast, rng, story)
        _hire(plan, cast, rng, story)
        _follow(plan, rng, story)
    # Every trainee admitted is called on each planned session day while enrolled: completing
    # is judged on that attendance (stakeholders.delivery.service, _check_completion).
    story.roll_call = _roll_call(calls, story, cast.minimum_attendance)
    return story


def _sit_exam(plan: Plan, cast: Cast, rng: random.Random, story: Story) -> None:
    # Tests and certificates are recorded while the programme is ACTIVE, hence by its end.
    last_day = cast.ends_on or dt.date.max
    exam, ends_on = plan.exam, story.cohort.ends_on
    taken_on = ends_on + exam.delay * DAY
    if taken_on > last_day:
        return
    story.attempts.append(_attempt(rng, exam.mean, exam.spread, cast.pass_mark, taken_on))
    retake_on = taken_on + exam.retake_delay * DAY
    if not story.attempts[0].passed and rng.random() < exam.retake and retake_on <= last_day:
        # Those who retake have revised: the second attempt scores higher on average.
        story.attempts.append(_attempt(rng, exam.mean + 8, exam.spread, cast.pass_mark, retake_on))
    passed = next((a for a in story.attempts if a.passed), None)
    if passed is not None:
        issued_on = min(passed.taken_on + rng.randrange(3, 15) * DAY, last_day)
        story.certificate = Certified(passed, issued_on)


def _attempt(
    rng: random.Random, mean: float, spread: float, pass_mark: int, on: dt.date
) -> Attempt:
    score = min(100, max(0, round(rng.gauss(mean, spread))))
    return Attempt(on, score, score >= pass_mark)


def _hire(plan: Plan, cast: Cast, rng: random.Random, story: Story) -> None:
    hiring = plan.hiring
    if hiring is None or not cast.sponsors or story.certificate is None:
        return
    if rng.random() >= hiring.share:
        return
    module = story.cohort.staffing.modules[0]
    story.hire = Hire(
        employer=rng.choice(cast.sponsors),
        job_title=rng.choice(hiring.titles[module]),
        contract=weighted(rng, hiring.contracts),
        starts_on=story.certificate.issued_on + rng.randint(*hiring.delay) * DAY,
    )


def _follow(plan: Plan, rng: random.Random, story: Story) -> None:
    tracking = plan.tracking
    if tracking is None or rng.random() >= tracking.share:
        return
    observed_on = story.cohort.ends_on + rng.randint(*tracking.delay) * DAY
    if tracking.employed_anyway is None:
        story.follow_up = FollowUpNote(observed_on, None, rng.choice(tracking.notes["review"]))
        return
    employed = story.hire is not None or rng.random() < tracking.employed_anyway
    kind = "placed" if story.hire else "employed" if employed else "unemployed"
    # The employer that hired the trainee reports on its own hire (recordFollowUp, HIRING).
    author = story.hire.employer if story.hire else None
    story.follow_up = FollowUpNote(observed_on, employed, rng.choice(tracking.notes[kind]), author)


def _roll_call(rng: random.Random, story: Story, minimum: int) -> list[tuple[dt.date, bool]]:
    days = session_days(story.cohort)
    if story.status is EnrollmentStatus.DROPPED:
        # Came for a while, missed the day they left, and were not called after.
        stayed = rng.randrange(len(days))
        return [(day, i < stayed) for i, day in enumerate(days[: stayed + 1])]
    # Completing needs `minimum` percent of the days: absences stay within what that allows.
    allowed = len(days) * (100 - minimum) // 100
    absent = set(rng.sample(range(len(days)), rng.randint(0, allowed)))
    return [(day, i not in absent) for i, day in enumerate(days)]


def session_days(cohort: CohortDraft) -> list[dt.date]:
    """The cohort's planned session days: on its first weekday, spread over its weeks when it
    runs for weeks (a weekend class, a weekly roll call), else on consecutive days."""
    sessions, days = cohort.segment.sessions, cohort.segment.days
    if sessions <= 1:
        return [cohort.starts_on]
    weeks = (days - 1) // 7
    if weeks >= sessions - 1:
        return [
            cohort.starts_on + round(i * weeks / (sessions - 1)) * WEEK for i in range(sessions)
        ]
    step = (days - 1) / (sessions - 1)
    return [cohort.starts_on + round(i * step) * DAY for i in range(sessions)]


def _number_certificates(stories: list[Story], programme_code: str) -> None:
    """Numbers in order of issue within each year: `<programme>-<year>-<sequence>`."""
    issued = sorted(
        (s.certificate for s in stories if s.certificate is not None),
        key=lambda c: c.issued_on,
    )
    sequence: dict[int, int] = defaultdict(int)
    for certificate in issued:
        year = certificate.issued_on.year
        sequence[year] += 1
        certificate.number = f"{programme_code}-{year}-{sequence[year]:06d}"
