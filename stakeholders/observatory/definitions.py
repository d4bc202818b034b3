"""The indicators, as data (DHIS2's model): a numerator and a denominator over a subject's
rows, each described in plain words, times a factor.

`INDICATORS` is open: a later area registers its own with `register` from its package (the
quality area's "labelled offers active", over its labels, once it exists), with a subject of
its own in `stakeholders.observatory.sources.SUBJECTS` when it counts another table.
"""

from __future__ import annotations

from dataclasses import dataclass

from auth.policy import INDICATOR_ACCESS
from stakeholders.observatory.dimensions import Dimension
from stakeholders.observatory.sources import SUBJECTS

__all__ = ["INDICATORS", "TARGET_ATTAINMENT", "Indicator", "register"]

TARGET_ATTAINMENT = "TARGET_ATTAINMENT"


@dataclass(frozen=True)
class Indicator:
    """`numerator / denominator * factor`; a count has no denominator.

    `size` names the measure whose smallness suppresses a cell (a count itself, a rate's
    denominator, the number of subsidised enrolments behind a sum of money); `access` the
    entry of auth.rules.observatory.INDICATOR_ACCESS that says who reads it and how.
    """

    code: str
    name: str
    numerator: str
    denominator: str | None
    factor: int
    unit: str
    subject: str
    access: str
    numerator_measure: str
    denominator_measure: str | None = None
    size_measure: str | None = None

    @property
    def size(self) -> str:
        return self.size_measure or self.denominator_measure or self.numerator_measure

    @property
    def dimensions(self) -> frozenset[Dimension]:
        return frozenset(SUBJECTS[self.subject].dimensions)


INDICATORS: dict[str, Indicator] = {}


def register(indicator: Indicator) -> Indicator:
    """Add an indicator; its subject, measures and access must exist."""
    assert indicator.code not in INDICATORS, f"two indicators are named {indicator.code}"
    subject = SUBJECTS[indicator.subject]
    for measure in (indicator.numerator_measure, indicator.denominator_measure, indicator.size):
        assert measure is None or measure in subject.measures, f"{indicator.code}: {measure}?"
    assert indicator.access in INDICATOR_ACCESS, indicator.access
    INDICATORS[indicator.code] = indicator
    return indicator


def _count(code: str, name: str, words: str, measure: str, subject: str = "enrolments") -> None:
    access = "work" if subject == "responsibilities" else "delivery"
    register(Indicator(code, name, words, None, 1, "count", subject, access, measure))


def _rate(code: str, name: str, numerator: tuple[str, str], denominator: tuple[str, str]) -> None:
    register(
        Indicator(
            code,
            name,
            numerator[0],
            denominator[0],
            100,
            "percent",
            "enrolments",
            "delivery",
            numerator[1],
            denominator[1],
        )
    )


ADMITTED_WORDS = "trainees admitted to a cohort (enrolled, completed or dropped out)"
CERTIFIED_WORDS = "enrolments that obtained a certificate"
AUDIENCE_WORDS = {
    "women": ("WOMEN", "Women", "women"),
    "qpv": ("QPV", "Priority neighbourhoods (QPV)", "people living in a priority neighbourhood"),
    "rural": ("RURAL", "Rural zones", "people living in a rural zone"),
    "youth": ("YOUTH", "Young people", "people under 26 when their cohort started"),
}

_count("ENROLLED", "Enrolled", ADMITTED_WORDS, "enrolled")
_count("COMPLETED", "Completed", "enrolments completed (attendance reached)", "completed")
_count("CERTIFIED", "Certified", CERTIFIED_WORDS, "certified")
_rate(
    "FIRST_TIME_PASS_RATE",
    "First-time pass rate",
    ("enrolments whose first attempt at the test passed", "first_passes"),
    ("enrolments with a first attempt at the test", "first_attempts"),
)
_count(
    "PLACED_6_MONTHS",
    "Placed within 6 months",
    "enrolments placed in a job starting within 6 months of the cohort's end",
    "placed_6m",
)
_rate(
    "PLACEMENT_RATE",
    "Placement rate",
    ("enrolments placed in a job starting within 6 months of the cohort's end", "placed_6m"),
    ("enrolments completed", "completed"),
)
for _key, (_code, _name, _words) in AUDIENCE_WORDS.items():
    _rate(
        f"{_code}_SHARE_ENROLLED",
        f"{_name}: share of enrolled",
        (f"{_words} among the {ADMITTED_WORDS}", f"{_key}_enrolled"),
        (ADMITTED_WORDS, "enrolled"),
    )
    _rate(
        f"{_code}_SHARE_CERTIFIED",
        f"{_name}: share of certified",
        (f"{_words} among the {CERTIFIED_WORDS}", f"{_key}_certified"),
        (CERTIFIED_WORDS, "certified"),
    )
register(
    Indicator(
        TARGET_ATTAINMENT,
        "Target attainment",
        "what was achieved in the target's period (participants, trained, certified, placed "
        "or classes, by the cohorts' start)",
        "the programme's target for that period",
        100,
        "percent",
        "enrolments",
        "delivery",
        # Computed per target (stakeholders.observatory.compute): one column per target.
        "enrolled",
        None,
    )
)
register(
    Indicator(
        "SUBSIDY_USE",
        "Subsidy use against the envelope",
        "subsidies granted and standing (not rejected nor voided), in minor units",
        "the programme's budget envelope, in minor units",
        100,
        "percent",
        "enrolments",
        "money",
        "subsidy_minor",
        "envelope_minor",
        size_measure="subsidised",
    )
)
register(
    Indicator(
        "COST_PER_CERTIFICATE",
        "Subsidy cost per certificate",
        "subsidies granted and standing (not rejected nor voided), in minor units",
        CERTIFIED_WORDS,
        1,
        "minor units of the programme's currency",
        "enrolments",
        "money",
        "subsidy_minor",
        "certified",
    )
)
_count(
    "RESPONSIBILITIES_ON_TIME",
    "Responsibilities on time",
    "responsibilities done, or open and not yet due",
    "on_time",
    subject="responsibilities",
)
_count(
    "RESPONSIBILITIES_OVERDUE",
    "Responsibilities overdue",
    "responsibilities open (planned, in progress, blocked) past their due day",
    "overdue",
    subject="responsibilities",
)
