"""Quality's indicator: training offers holding a label in force today, over quality's labels
(a subject of their own), by programme, the year the label was granted, the offer's district
and the label's holder. (TARGET_ATTAINMENT counts enrolments' targets only: a programme's
LABELLED_TRAININGS target is compared with this indicator by its reader.)

The observatory comes after quality in the data flow, so it reads quality's tables; quality
knows nothing of it.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, and_

from stakeholders.observatory.definitions import Indicator, register
from stakeholders.observatory.dimensions import Dimension
from stakeholders.observatory.sources import (
    PARTIES,
    PROGRAMMES,
    RESPONSIBILITIES,
    SUBJECTS,
    Build,
    Subject,
    district_rollup,
    joined,
    one_when,
    periods,
)
from stakeholders.quality import calendar
from stakeholders.quality.repository import LABELS, OFFERS

__all__ = ["LABELS_SUBJECT"]


_DUTY = RESPONSIBILITIES.alias("surveillance")
_HOLDER = PARTIES.alias("operator")

_offer = joined("offer", OFFERS, OFFERS.c.id == LABELS.c.offer_id, outer=False)
_surveillance = joined(
    "surveillance", _DUTY, _DUTY.c.id == LABELS.c.surveillance_responsibility_id, outer=True
)
_programme = joined("programme", PROGRAMMES, PROGRAMMES.c.id == LABELS.c.programme_id, outer=False)
_holder = joined("operator", _HOLDER, _HOLDER.c.id == LABELS.c.operator_party_id, outer=False)


def _live(build: Build) -> ColumnElement[bool]:
    """In force today (ACTIVE or due for surveillance, as quality computes it) and begun: a
    renewal waiting for its predecessor's expiry does not count the offer twice."""
    status = calendar.label_status_sql(LABELS, _surveillance(build).c.status, build.today)
    return and_(status.in_(sorted(calendar.LIVE)), LABELS.c.granted_on <= build.today)


def _district(build: Build) -> ColumnElement[Any]:
    if "district" not in build.joins:
        rollup = district_rollup()
        build.need("district", rollup, rollup.c.party_id == _offer(build).c.district_party_id, True)
    return build.joins["district"][0].c.code


LABELS_SUBJECT = Subject(
    name="labels",
    table=LABELS,
    programme_id=LABELS.c.programme_id,
    period=LABELS.c.granted_on,
    dimensions={
        Dimension.PROGRAMME: lambda b: _programme(b).c.code,
        **periods(lambda _: LABELS.c.granted_on),
        Dimension.DISTRICT: _district,
        Dimension.OPERATOR: lambda b: _holder(b).c.code,
    },
    measures={"labelled": lambda b: one_when(_live(b))},
    joins=lambda _: None,
)
SUBJECTS[LABELS_SUBJECT.name] = LABELS_SUBJECT

register(
    Indicator(
        "LABELLED_OFFERS_ACTIVE",
        "Labelled offers in force",
        "training offers whose label is in force today (active or due for surveillance), by "
        "the year the label was granted",
        None,
        1,
        "count",
        "labels",
        "labels",
        "labelled",
    )
)
