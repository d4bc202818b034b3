"""Rules of the observatory: who reads which indicators, and in whose scope unsuppressed.

An indicator counts rows of one subject (enrolments and what followed them, the subsidies
they gave rise to, duties). `readers` may read an indicator at all, tested on the programme
its cells belong to; everyone else never sees its cells. `unsuppressed` names, by the facts of
the counted rows (programme, operator, host, assignee), the rows a caller reads raw: a cell
all of whose rows fall under one of these grants is shown as it is, any other cell is
published with small cells suppressed (stakeholders.observatory.suppression). No indicator
returns a person, whoever asks: cells are aggregates only.
"""

from __future__ import annotations

from dataclasses import dataclass

from auth.relations import ANY_ROW, PARTICIPANT, Grant
from auth.rules.common import AUDITING, anyone
from auth.rules.delivery import COORDINATING, HOSTING, OWNING, TRAINING

__all__ = ["INDICATOR_ACCESS", "OBSERVATORY_VALUE_TYPES", "IndicatorAccess"]


@dataclass(frozen=True)
class IndicatorAccess:
    """Who reads an indicator at all, and whose rows they read unsuppressed."""

    readers: tuple[Grant, ...]
    unsuppressed: tuple[Grant, ...]


INDICATOR_ACCESS: dict[str, IndicatorAccess] = {
    # Published: anyone, small cells suppressed; the parties that follow the training (its
    # owner, coordinators, operator, host) and the supervising auditors read their rows raw,
    # as they read the enrolments themselves.
    "delivery": IndicatorAccess(
        readers=anyone(ANY_ROW),
        unsuppressed=(OWNING, COORDINATING, TRAINING, HOSTING, AUDITING),
    ),
    # Money follows the budget (auth/rules/core.py): the programme's parties and its
    # auditors; raw for those who read the entitlements themselves.
    "money": IndicatorAccess(
        readers=(*anyone(PARTICIPANT), AUDITING),
        unsuppressed=(OWNING, TRAINING, AUDITING),
    ),
    # Labels are public facts (the catalogue shows them with their dates): counted and
    # shown as they are, to anyone.
    "labels": IndicatorAccess(readers=anyone(ANY_ROW), unsuppressed=anyone(ANY_ROW)),
    # Duties follow the responsibilities: every party of the programme reads them all.
    "work": IndicatorAccess(
        readers=(*anyone(PARTICIPANT), AUDITING),
        unsuppressed=(*anyone(PARTICIPANT), AUDITING),
    ),
}

# Aggregates with no rows of their own: what they show is decided by INDICATOR_ACCESS.
OBSERVATORY_VALUE_TYPES = frozenset({"IndicatorDefinition", "IndicatorCell", "IndicatorDimension"})
