"""Reading quality rows: each type's readable select (the policy's row rules, in SQL), and
what the date makes of calls and labels, computed in the same statement."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, case, exists, literal, select

from auth.principal import Principal
from stakeholders.common.access import readable_select
from stakeholders.db import table_of
from stakeholders.delivery.models import Cohort
from stakeholders.programmes.repository import RESPONSIBILITIES
from stakeholders.quality import calendar
from stakeholders.quality.enums import CallStatus
from stakeholders.quality.models import (
    Application,
    Call,
    Label,
    OfferSession,
    ProcurementLot,
    Review,
    ReviewConflict,
    TrainingOffer,
)

__all__ = [
    "APPLICATIONS",
    "CALLS",
    "CONFLICTS",
    "LABELS",
    "LOTS",
    "OFFERS",
    "REVIEWS",
    "SESSIONS",
    "call_status_sql",
    "live_labels",
    "readable_applications",
    "readable_calls",
    "readable_labels",
    "readable_lots",
    "readable_offers",
    "readable_reviews",
    "sessions_of_offer",
]

OFFERS = table_of(TrainingOffer)
SESSIONS = table_of(OfferSession)
CALLS = table_of(Call)
LOTS = table_of(ProcurementLot)
APPLICATIONS = table_of(Application)
REVIEWS = table_of(Review)
CONFLICTS = table_of(ReviewConflict)
LABELS = table_of(Label)
COHORTS = table_of(Cohort)


def _reviewer_of_application(keys: frozenset[Any]) -> ColumnElement[bool]:
    r = REVIEWS.alias("panel")
    return exists().where(
        r.c.application_id == APPLICATIONS.c.id, r.c.reviewer_sub.in_(sorted(keys))
    )


def _fellow_reviewer(keys: frozenset[Any]) -> ColumnElement[bool]:
    r = REVIEWS.alias("panel")
    return exists().where(
        r.c.application_id == REVIEWS.c.application_id, r.c.reviewer_sub.in_(sorted(keys))
    )


def readable_offers(principal: Principal) -> Select[Any]:
    return readable_select("TrainingOffer", OFFERS, principal)


def readable_calls(principal: Principal) -> Select[Any]:
    return readable_select("Call", CALLS, principal)


def readable_lots(principal: Principal) -> Select[Any]:
    return readable_select("ProcurementLot", LOTS, principal)


def readable_applications(principal: Principal) -> Select[Any]:
    return readable_select(
        "Application", APPLICATIONS, principal, {"via_reviewer": _reviewer_of_application}
    )


def readable_reviews(principal: Principal) -> Select[Any]:
    return readable_select("Review", REVIEWS, principal, {"via_panel": _fellow_reviewer})


def _surveillance() -> Any:
    """The status of a label's surveillance responsibility, as a correlated subquery."""
    return (
        select(RESPONSIBILITIES.c.status)
        .where(RESPONSIBILITIES.c.id == LABELS.c.surveillance_responsibility_id)
        .scalar_subquery()
    )


def readable_labels(principal: Principal) -> Select[Any]:
    """Labels, each with its surveillance's status (`surveyed_status`) to compute its own."""
    return readable_select("Label", LABELS, principal).add_columns(
        _surveillance().label("surveyed_status")
    )


def label_status_column(on: dt.date) -> ColumnElement[str]:
    return calendar.label_status_sql(LABELS, _surveillance(), on)


def live_labels(on: dt.date) -> Select[Any]:
    """Labels in force on `on` (ACTIVE or due for surveillance): what counts as labelled."""
    status = label_status_column(on)
    return select(LABELS).where(status.in_(["ACTIVE", "SURVEILLANCE_DUE"]))


def call_status_sql(at: dt.datetime) -> ColumnElement[str]:
    """calendar.call_status in SQL."""
    return case(
        (
            and_(CALLS.c.status == CallStatus.OPEN.value, CALLS.c.closes_at <= literal(at)),
            CallStatus.CLOSED.value,
        ),
        else_=CALLS.c.status,
    )


def sessions_of_offer(_: Principal) -> Select[Any]:
    """An offer's sessions with their public facts (dates, place, mode, places), shown
    wherever the offer is - a catalogue publishes them (LHEO's sessions) - while the cohort
    itself, its enrolments and its people, stays behind the cohort's own rule."""
    return select(
        SESSIONS.c.offer_id,
        COHORTS.c.id.label("cohort_id"),
        COHORTS.c.code,
        COHORTS.c.starts_on,
        COHORTS.c.ends_on,
        COHORTS.c.mode,
        COHORTS.c.capacity,
        COHORTS.c.status,
        COHORTS.c.district_party_id,
        SESSIONS.c.id,
    ).join(COHORTS, COHORTS.c.id == SESSIONS.c.cohort_id)
