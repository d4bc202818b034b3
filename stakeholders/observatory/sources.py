"""What indicators count: the rows of a subject, their dimensions and their measures, in SQL.

A subject is one base table joined to what its measures and dimensions need (only that: a
breakdown by district does not pay for the join of placements). A measure is a value of each
joined row (1 or 0 for a count), summed over a cell's rows; an indicator is a ratio of two
measures (or one), so that every indicator of a request comes out of one GROUP BY over its
subject. A later area
registers its own subject, measures or target metrics here (open lists, as
`stakeholders.delivery.repository.ENROLLMENT_FACTS` is for the policy's facts).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import (
    ColumnElement,
    FromClause,
    Integer,
    String,
    Text,
    and_,
    case,
    cast,
    exists,
    func,
    select,
    true,
)
from sqlalchemy.sql.elements import KeyedColumnElement

from stakeholders.db import table_of
from stakeholders.delivery.enums import EnrollmentStatus, Gender
from stakeholders.delivery.models import Cohort, Enrollment, Trainee
from stakeholders.funding.enums import EntitlementStatus
from stakeholders.funding.models import Entitlement
from stakeholders.observatory.dimensions import Dimension
from stakeholders.outcomes.models import Assessment, Certificate, Placement
from stakeholders.parties.models import Party
from stakeholders.programmes.enums import ResponsibilityStatus
from stakeholders.programmes.filters import OPEN_STATUSES
from stakeholders.programmes.models import Programme, Responsibility

__all__ = [
    "SUBJECTS",
    "Build",
    "Subject",
    "TargetMeasure",
    "district_rollup",
    "joined",
    "one_when",
    "period_label",
    "periods",
]

ENROLLMENTS = table_of(Enrollment)
COHORTS = table_of(Cohort)
TRAINEES = table_of(Trainee)
PROGRAMMES = table_of(Programme)
PARTIES = table_of(Party)
ASSESSMENTS = table_of(Assessment)
CERTIFICATES = table_of(Certificate)
PLACEMENTS = table_of(Placement)
ENTITLEMENTS = table_of(Entitlement)
RESPONSIBILITIES = table_of(Responsibility)

# Admitted to a cohort: what "enrolled" counts (not those who applied or were refused).
ADMITTED = (EnrollmentStatus.ENROLLED, EnrollmentStatus.COMPLETED, EnrollmentStatus.DROPPED)
# Money that was granted and stands (not sent back, not voided).
STANDING = tuple(
    s for s in EntitlementStatus if s not in (EntitlementStatus.REJECTED, EntitlementStatus.VOIDED)
)
YOUTH_YEARS = 26
PLACEMENT_MONTHS = 6


@dataclass
class Build:
    """One statement being built: the joins asked for so far, in order, and the dialect."""

    dialect: str
    today: dt.date
    joins: dict[str, tuple[FromClause, ColumnElement[bool], bool]] = field(default_factory=dict)

    def need(self, name: str, target: FromClause, on: ColumnElement[bool], outer: bool) -> Any:
        """Join `target` on `on` (left outer with `outer`) as `name`, once: the joined target."""
        return self.joins.setdefault(name, (target, on, outer))[0]


def joined(
    name: str, target: FromClause, on: ColumnElement[bool], *, outer: bool
) -> Callable[[Build], Any]:
    """What a measure or dimension calls for the join it reads: `Build.need`, declared."""
    return lambda build: build.need(name, target, on, outer)


def one_when(condition: ColumnElement[bool]) -> ColumnElement[Any]:
    """A row's part in a count: 1 when the condition holds (a NULL is not a yes)."""
    return case((condition, 1), else_=0)


def _shifted(build: Build, day: ColumnElement[Any], unit: str, n: int) -> ColumnElement[Any]:
    """`day` plus n years or months, in the dialect's words."""
    if build.dialect == "postgresql":
        return day + (func.make_interval(n) if unit == "years" else func.make_interval(0, n))
    return func.date(day, f"{n:+d} {unit}")


def period_label(build: Build, day: ColumnElement[Any], dimension: Dimension) -> ColumnElement[Any]:
    """2025, 2025-Q2 or 2025-06 of a date column."""
    if build.dialect == "postgresql":
        pattern = {Dimension.YEAR: "YYYY", Dimension.QUARTER: 'YYYY-"Q"Q'}.get(dimension, "YYYY-MM")
        return func.to_char(day, pattern)
    if dimension is Dimension.YEAR:
        return func.strftime("%Y", day)
    if dimension is Dimension.MONTH:
        return func.strftime("%Y-%m", day)
    year = func.strftime("%Y", day, type_=String)
    quarter = (cast(func.strftime("%m", day), Integer) + 2) // 3
    return year + "-Q" + cast(quarter, String)


def _elements(build: Build, column: ColumnElement[Any], name: str) -> Any:
    """The elements of a JSON array column as rows of a table-valued function."""
    fn = func.jsonb_array_elements_text if build.dialect == "postgresql" else func.json_each
    return fn(column).table_valued("value").alias(name)


def _has_flag(column: ColumnElement[Any], flag: str) -> ColumnElement[bool]:
    # Flags are upper-case codes stored as a JSON list: the quoted name matches one element
    # (the text form of JSON and JSONB alike), never a longer flag that contains it.
    return cast(column, Text).like(f'%"{flag}"%')


def district_rollup() -> Any:
    """Each party with its topmost DISTRICT-kind ancestor (itself included): districts roll up
    the party tree, as DHIS2's organisation units do."""
    party, area, above = PARTIES.alias("rp"), PARTIES.alias("ra"), PARTIES.alias("rb")
    higher = exists().where(
        above.c.kind == "DISTRICT", area.c.path.startswith(above.c.path), above.c.id != area.c.id
    )
    return (
        select(party.c.id.label("party_id"), area.c.code.label("code"))
        .select_from(
            party.join(area, and_(area.c.kind == "DISTRICT", party.c.path.startswith(area.c.path)))
        )
        .where(~higher)
        .subquery("district_rollup")
    )


def _subsidies() -> Any:
    e = ENTITLEMENTS
    return (
        select(e.c.enrollment_id, func.sum(e.c.amount_minor).label("amount_minor"))
        .where(e.c.status.in_([s.value for s in STANDING]))
        .group_by(e.c.enrollment_id)
        .subquery("subsidies")
    )


Expression = Callable[[Build], ColumnElement[Any]]


@dataclass(frozen=True)
class TargetMeasure:
    """How a programme's target metric is achieved: a condition on the counted rows, or a
    column whose distinct values are counted (classes)."""

    condition: Expression
    distinct: Expression | None = None


@dataclass
class Subject:
    """A base table, what may break it down, what it measures, and the facts the policy tests."""

    name: str
    table: Any
    programme_id: KeyedColumnElement[Any]
    period: KeyedColumnElement[Any]
    dimensions: dict[Dimension, Expression]
    # Each measure's value on one counted row, summed over a cell's rows...
    measures: dict[str, Expression]
    joins: Callable[[Build], Any]
    targets: dict[str, TargetMeasure] = field(default_factory=dict)
    # ...except these, the same on every row of a programme (its envelope): their maximum.
    maxima: frozenset[str] = frozenset()

    def aggregate(self, name: str, build: Build) -> ColumnElement[Any]:
        value = self.measures[name](build)
        return func.max(value) if name in self.maxima else func.coalesce(func.sum(value), 0)

    def facts(self) -> dict[str, KeyedColumnElement[Any]]:
        return {c.name: c for c in self.table.c}


# -- enrolments and what followed them ----------------------------------------------------


_FIRST_ATTEMPT = ASSESSMENTS.alias("first_attempt")
_OPERATOR = PARTIES.alias("operator")

_cohort = joined("cohort", COHORTS, COHORTS.c.id == ENROLLMENTS.c.cohort_id, outer=False)
_trainee = joined("trainee", TRAINEES, TRAINEES.c.id == ENROLLMENTS.c.trainee_id, outer=False)
_first_attempt = joined(
    "first_attempt",
    _FIRST_ATTEMPT,
    and_(_FIRST_ATTEMPT.c.enrollment_id == ENROLLMENTS.c.id, _FIRST_ATTEMPT.c.attempt == 1),
    outer=True,
)
_certificate = joined(
    "certificate", CERTIFICATES, CERTIFICATES.c.enrollment_id == ENROLLMENTS.c.id, outer=True
)
_placement = joined(
    "placement", PLACEMENTS, PLACEMENTS.c.enrollment_id == ENROLLMENTS.c.id, outer=True
)
_programme = joined(
    "programme", PROGRAMMES, PROGRAMMES.c.id == ENROLLMENTS.c.programme_id, outer=False
)
_operator_party = joined(
    "operator", _OPERATOR, _OPERATOR.c.id == ENROLLMENTS.c.operator_party_id, outer=False
)


def _subsidy(build: Build) -> Any:
    if "subsidy" not in build.joins:
        s = _subsidies()
        build.need("subsidy", s, s.c.enrollment_id == ENROLLMENTS.c.id, True)
    return build.joins["subsidy"][0]


def _admitted(_: Build) -> ColumnElement[bool]:
    return ENROLLMENTS.c.status.in_([s.value for s in ADMITTED])


def _certified(build: Build) -> ColumnElement[bool]:
    return _certificate(build).c.id.is_not(None)


def _placed(build: Build) -> ColumnElement[bool]:
    cohort, placement = _cohort(build), _placement(build)
    deadline = _shifted(build, cohort.c.ends_on, "months", PLACEMENT_MONTHS)
    return and_(placement.c.id.is_not(None), placement.c.starts_on <= deadline)


def _woman(build: Build) -> ColumnElement[bool]:
    return _trainee(build).c.gender == Gender.FEMALE.value


def _young(build: Build) -> ColumnElement[bool]:
    born, started = _trainee(build).c.birth_date, _cohort(build).c.starts_on
    return born > _shifted(build, started, "years", -YOUTH_YEARS)


def _flagged(flag: str) -> Callable[[Build], ColumnElement[bool]]:
    return lambda build: _has_flag(_trainee(build).c.priority_flags, flag)


AUDIENCES: dict[str, Callable[[Build], ColumnElement[bool]]] = {
    "women": _woman,
    "qpv": _flagged("QPV"),
    "rural": _flagged("RURAL"),
    "youth": _young,
}


def _enrolment_measures() -> dict[str, Expression]:
    e = ENROLLMENTS
    measures: dict[str, Expression] = {
        "enrolled": lambda b: one_when(_admitted(b)),
        "completed": lambda b: one_when(e.c.status == EnrollmentStatus.COMPLETED.value),
        "certified": lambda b: one_when(_certified(b)),
        "first_attempts": lambda b: one_when(_first_attempt(b).c.id.is_not(None)),
        "first_passes": lambda b: one_when(_first_attempt(b).c.passed.is_(True)),
        "placed_6m": lambda b: one_when(_placed(b)),
        "subsidy_minor": lambda b: func.coalesce(_subsidy(b).c.amount_minor, 0),
        "subsidised": lambda b: one_when(_subsidy(b).c.amount_minor.is_not(None)),
        "envelope_minor": lambda b: _programme(b).c.budget_minor,
    }
    for audience, test in AUDIENCES.items():
        measures[f"{audience}_enrolled"] = _both(_admitted, test)
        measures[f"{audience}_certified"] = _both(_certified, test)
    return measures


def _both(
    first: Callable[[Build], ColumnElement[bool]], second: Callable[[Build], ColumnElement[bool]]
) -> Expression:
    return lambda b: one_when(and_(first(b), second(b)))


def _district(build: Build) -> ColumnElement[Any]:
    if "district" not in build.joins:
        rollup = district_rollup()
        build.need(
            "district", rollup, rollup.c.party_id == _cohort(build).c.district_party_id, True
        )
    return build.joins["district"][0].c.code


def _operator(build: Build) -> ColumnElement[Any]:
    return _operator_party(build).c.code


def _track(build: Build) -> ColumnElement[Any]:
    if "track" not in build.joins:
        build.need("track", _elements(build, _cohort(build).c.modules, "track"), true(), False)
    return build.joins["track"][0].c.value


def _priority(build: Build) -> ColumnElement[Any]:
    if "priority" not in build.joins:
        flags = _elements(build, _trainee(build).c.priority_flags, "priority")
        build.need("priority", flags, true(), True)
    return build.joins["priority"][0].c.value


def _enrolment_period(build: Build) -> ColumnElement[Any]:
    return _cohort(build).c.starts_on


def _programme_code(build: Build) -> ColumnElement[Any]:
    return _programme(build).c.code


def periods(day: Expression) -> dict[Dimension, Expression]:
    def label(dimension: Dimension) -> Expression:
        return lambda b: period_label(b, day(b), dimension)

    return {d: label(d) for d in (Dimension.YEAR, Dimension.QUARTER, Dimension.MONTH)}


ENROLMENTS = Subject(
    name="enrolments",
    table=ENROLLMENTS,
    programme_id=ENROLLMENTS.c.programme_id,
    period=COHORTS.c.starts_on,
    dimensions={
        Dimension.PROGRAMME: _programme_code,
        **periods(_enrolment_period),
        Dimension.DISTRICT: _district,
        Dimension.OPERATOR: _operator,
        Dimension.TRACK: _track,
        Dimension.GENDER: lambda b: _trainee(b).c.gender,
        Dimension.PRIORITY: _priority,
    },
    measures=_enrolment_measures(),
    joins=_cohort,
    targets={
        "PARTICIPANTS": TargetMeasure(_admitted),
        "TRAINED": TargetMeasure(
            lambda _: ENROLLMENTS.c.status == EnrollmentStatus.COMPLETED.value
        ),
        "CERTIFIED": TargetMeasure(_certified),
        "PLACED": TargetMeasure(_placed),
        "CLASSES": TargetMeasure(_admitted, distinct=lambda _: ENROLLMENTS.c.cohort_id),
    },
    maxima=frozenset({"envelope_minor"}),
)


# -- duties ----------------------------------------------------------------------------------


def _late(build: Build) -> ColumnElement[bool]:
    r = RESPONSIBILITIES
    return and_(r.c.due_on < build.today, r.c.status.in_(sorted(OPEN_STATUSES)))


def _on_time(build: Build) -> ColumnElement[bool]:
    r = RESPONSIBILITIES
    done = r.c.status == ResponsibilityStatus.DONE.value
    not_yet_due = and_(
        r.c.status.in_(sorted(OPEN_STATUSES)), (r.c.due_on.is_(None)) | (r.c.due_on >= build.today)
    )
    return done | not_yet_due


_ASSIGNEE = PARTIES.alias("assignee")
_assignee_party = joined(
    "assignee", _ASSIGNEE, _ASSIGNEE.c.id == RESPONSIBILITIES.c.assignee_party_id, outer=False
)
_duty_programme = joined(
    "programme", PROGRAMMES, PROGRAMMES.c.id == RESPONSIBILITIES.c.programme_id, outer=False
)


DUTIES = Subject(
    name="responsibilities",
    table=RESPONSIBILITIES,
    programme_id=RESPONSIBILITIES.c.programme_id,
    period=RESPONSIBILITIES.c.due_on,
    dimensions={
        Dimension.PROGRAMME: lambda b: _duty_programme(b).c.code,
        **periods(lambda _: RESPONSIBILITIES.c.due_on),
        Dimension.PARTY: lambda b: _assignee_party(b).c.code,
    },
    measures={
        "duties": lambda _: one_when(
            RESPONSIBILITIES.c.status != ResponsibilityStatus.CANCELLED.value
        ),
        "on_time": lambda b: one_when(_on_time(b)),
        "overdue": lambda b: one_when(_late(b)),
    },
    joins=lambda _: None,
)

SUBJECTS: dict[str, Subject] = {s.name: s for s in (ENROLMENTS, DUTIES)}
