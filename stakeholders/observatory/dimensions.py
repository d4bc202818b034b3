"""The dimensions an indicator is broken down by."""

from __future__ import annotations

import enum

from stakeholders.common.enums import describe_enum

__all__ = ["PERIODS", "Dimension"]


class Dimension(enum.StrEnum):
    PROGRAMME = "PROGRAMME"
    YEAR = "YEAR"
    QUARTER = "QUARTER"
    MONTH = "MONTH"
    DISTRICT = "DISTRICT"
    OPERATOR = "OPERATOR"
    TRACK = "TRACK"
    GENDER = "GENDER"
    PRIORITY = "PRIORITY"
    PARTY = "PARTY"
    TARGET = "TARGET"


PERIODS = frozenset({Dimension.YEAR, Dimension.QUARTER, Dimension.MONTH})

describe_enum(
    Dimension,
    "What a cell of an indicator is broken down by.",
    {
        "PROGRAMME": "The programme (every cell has one: cells never mix programmes).",
        "YEAR": "The calendar year the cohort started (a duty: fell due), as 2025.",
        "QUARTER": "The quarter the cohort started (a duty: fell due), as 2025-Q2.",
        "MONTH": "The month the cohort started (a duty: fell due), as 2025-06.",
        "DISTRICT": (
            "The district of the cohort, rolled up the party tree to its topmost DISTRICT "
            "party; none for a cohort without one."
        ),
        "OPERATOR": "The operator running the cohort, by party code.",
        "TRACK": "A track or module the cohort teaches (a cohort teaching two counts in both).",
        "GENDER": "The trainee's gender as recorded.",
        "PRIORITY": (
            "A priority audience the trainee belongs to (QPV, RURAL, ...); none for a trainee "
            "in none (a trainee in two counts in both)."
        ),
        "PARTY": "The party a duty is assigned to, by party code (duties only).",
        "TARGET": (
            "A target of the programme, as METRIC:first day..last day (target attainment only)."
        ),
    },
)
