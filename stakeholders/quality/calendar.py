"""What quality's dates make of its rows today: a call past its closing time is CLOSED, a label
in month 14 is due for surveillance, after three years EXPIRED - computed when read (here and
as SQL), so that nothing waits for a job to run. Tests move the clock through `now`."""

from __future__ import annotations

import calendar as _months
import datetime as dt
from typing import Any

from sqlalchemy import ColumnElement, and_, case, literal, or_

from stakeholders.db import utcnow
from stakeholders.programmes.enums import ResponsibilityStatus
from stakeholders.quality.enums import CallStatus, LabelStatus

__all__ = [
    "LABEL_YEARS",
    "LIVE",
    "SURVEILLANCE_MONTHS",
    "add_months",
    "call_status",
    "label_status",
    "label_status_sql",
    "now",
    "today",
]

LABEL_YEARS = 3
SURVEILLANCE_MONTHS = (14, 22)
# The statuses of a label in force: what counts as labelled.
LIVE = frozenset({LabelStatus.ACTIVE, LabelStatus.SURVEILLANCE_DUE})


def now() -> dt.datetime:
    return utcnow()


def today() -> dt.date:
    return now().date()


def add_months(day: dt.date, months: int) -> dt.date:
    """The same day `months` later, or the month's last day when it has fewer days."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return day.replace(year=year, month=month, day=min(day.day, _months.monthrange(year, month)[1]))


def call_status(stored: str, closes_at: dt.datetime, at: dt.datetime | None = None) -> CallStatus:
    """An open call closes by itself at its closing time, whoever reads it and whenever."""
    if stored == CallStatus.OPEN and (at or now()) >= closes_at:
        return CallStatus.CLOSED
    return CallStatus(stored)


def label_status(row: Any, surveyed: bool, on: dt.date | None = None) -> LabelStatus:
    """A label's status on `on` (today): its standing, then its dates; `surveyed` when its
    surveillance review is done."""
    day = on or today()
    if row.standing == LabelStatus.WITHDRAWN:
        return LabelStatus.WITHDRAWN
    if day >= row.expires_on:
        return LabelStatus.EXPIRED
    if row.standing == LabelStatus.SUSPENDED:
        return LabelStatus.SUSPENDED
    if day >= row.surveillance_from and not surveyed:
        return LabelStatus.SURVEILLANCE_DUE
    return LabelStatus.ACTIVE


def label_status_sql(labels: Any, surveillance: Any, on: dt.date) -> ColumnElement[str]:
    """label_status in SQL: `labels` the labels table, `surveillance` the status column of
    its surveillance responsibility (outer-joined)."""
    day = literal(on)
    pending = or_(surveillance.is_(None), surveillance != ResponsibilityStatus.DONE.value)
    return case(
        (labels.c.standing == LabelStatus.WITHDRAWN.value, LabelStatus.WITHDRAWN.value),
        (labels.c.expires_on <= day, LabelStatus.EXPIRED.value),
        (labels.c.standing == LabelStatus.SUSPENDED.value, LabelStatus.SUSPENDED.value),
        (
            and_(labels.c.surveillance_from <= day, pending),
            LabelStatus.SURVEILLANCE_DUE.value,
        ),
        else_=LabelStatus.ACTIVE.value,
    )
