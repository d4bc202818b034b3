"""The programme's labelled training offer in LHEO 2.3, streamed.

Two statements whatever the number of offers: the programme, then one streamed read of its
published offers holding a live label (ACTIVE or SURVEILLANCE_DUE today), each row one of their
sessions with its cohort, place and operator. Rows come ordered by offer, so the document goes
out one `formation` at a time and a 500-offer export never sits whole in memory. What is public
here is what the catalogue is for: published offers, their labels and their sessions' dates,
places and capacity (no learner, no money but the price)."""

from __future__ import annotations

import datetime as dt
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Select, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from stakeholders.db import table_of, utcnow
from stakeholders.delivery.enums import CohortMode, CohortStatus
from stakeholders.delivery.repository import COHORTS
from stakeholders.parties.repository import PARTIES
from stakeholders.programmes.repository import PROGRAMMES, RESPONSIBILITIES
from stakeholders.quality import calendar
from stakeholders.quality.enums import OfferStatus
from stakeholders.quality.lheo_xml import (
    FOOTER,
    LabelFacts,
    OfferFacts,
    SessionFacts,
    formation,
    header,
)
from stakeholders.quality.models import Label, OfferSession, TrainingOffer

__all__ = ["LheoTally", "ProgrammeFacts", "lheo_document", "programme_for_export"]

OFFERS = table_of(TrainingOffer)
SESSIONS = table_of(OfferSession)
LABELS = table_of(Label)
# What counts as labelled: a label in force, not suspended, withdrawn or expired.
LIVE = sorted(status.value for status in calendar.LIVE)
# Rows fetched from the cursor at a time (two sessions an offer: ~50 offers).
BATCH = 100


@dataclass(frozen=True)
class ProgrammeFacts:
    id: int
    code: str
    name: str
    owner_name: str


@dataclass
class LheoTally:
    """What an export wrote, filled in as it streams (for the CLI's summary line)."""

    offers: int = 0
    sessions: int = 0
    # Labelled offers with no session to run them: LHEO needs at least one, so left out.
    without_session: int = 0


async def programme_for_export(session: AsyncSession, code: str) -> ProgrammeFacts | None:
    """The programme of that code with its owner's name, or None."""
    owner = PARTIES.alias("owner")
    statement = (
        select(PROGRAMMES.c.id, PROGRAMMES.c.code, PROGRAMMES.c.name, owner.c.name.label("owner"))
        .join(owner, owner.c.id == PROGRAMMES.c.owner_party_id)
        .where(PROGRAMMES.c.code == code)
    )
    row = (await session.execute(statement)).one_or_none()
    return ProgrammeFacts(row.id, row.code, row.name, row.owner) if row else None


def labelled_offers(programme_id: int, on: dt.date) -> Select[Any]:
    """Published offers with a live label on `on`, one row per session (or one with no
    session), ordered by offer, then its newest label first, then by session start."""
    operator = PARTIES.alias("operator")
    place = PARTIES.alias("place")
    surveillance = RESPONSIBILITIES.alias("surveillance")
    status = calendar.label_status_sql(LABELS, surveillance.c.status, on)
    return (
        select(
            OFFERS,
            LABELS.c.id.label("label_id"),
            status.label("label_status"),
            LABELS.c.granted_on,
            LABELS.c.surveillance_from,
            LABELS.c.surveillance_until,
            LABELS.c.expires_on,
            operator.c.code.label("operator_code"),
            operator.c.name.label("operator_name"),
            operator.c.country.label("operator_country"),
            COHORTS.c.id.label("cohort_id"),
            COHORTS.c.code.label("cohort_code"),
            COHORTS.c.mode.label("cohort_mode"),
            COHORTS.c.status.label("cohort_status"),
            COHORTS.c.starts_on,
            COHORTS.c.ends_on,
            COHORTS.c.capacity,
            place.c.name.label("place_name"),
            place.c.country.label("place_country"),
        )
        .select_from(OFFERS)
        .join(LABELS, LABELS.c.offer_id == OFFERS.c.id)
        .outerjoin(surveillance, surveillance.c.id == LABELS.c.surveillance_responsibility_id)
        .join(operator, operator.c.id == OFFERS.c.operator_party_id)
        .outerjoin(SESSIONS, SESSIONS.c.offer_id == OFFERS.c.id)
        # A cancelled cohort is no session to offer.
        .outerjoin(
            COHORTS,
            (COHORTS.c.id == SESSIONS.c.cohort_id)
            & (COHORTS.c.status != CohortStatus.CANCELLED.value),
        )
        .outerjoin(place, place.c.id == _place_of_session())
        .where(
            OFFERS.c.programme_id == programme_id,
            OFFERS.c.status == OfferStatus.PUBLISHED.value,
            status.in_(LIVE),
        )
        .order_by(
            OFFERS.c.id,
            LABELS.c.expires_on.desc(),
            LABELS.c.id,
            COHORTS.c.starts_on,
            COHORTS.c.id,
        )
    )


def _place_of_session() -> Any:
    """Where a session runs: its cohort's district, else the offer's."""
    return func.coalesce(COHORTS.c.district_party_id, OFFERS.c.district_party_id)


async def lheo_document(
    session: AsyncSession,
    programme: ProgrammeFacts,
    *,
    on: dt.date | None = None,
    tally: LheoTally | None = None,
) -> AsyncIterator[str]:
    """The LHEO document in chunks: the header, one `formation` per offer, the footer."""
    tally = tally if tally is not None else LheoTally()
    yield header(programme.code, programme.owner_name, utcnow())
    statement = labelled_offers(programme.id, on or calendar.today())
    rows = await session.stream(statement.execution_options(yield_per=BATCH))
    current: OfferFacts | None = None
    async for row in rows:
        if current is None or row.id != current.row.id:
            if current is not None and (chunk := _written(current, programme, tally)):
                yield chunk
            current = _offer(row)
        # A renewed offer may hold two live labels for a while: the newest one speaks.
        if row.label_id == current.label_id and row.cohort_id is not None:
            current.sessions.append(_session(row))
    if current is not None and (chunk := _written(current, programme, tally)):
        yield chunk
    yield FOOTER


def _written(offer: OfferFacts, programme: ProgrammeFacts, tally: LheoTally) -> str:
    if not offer.sessions:
        tally.without_session += 1
        return ""
    tally.offers += 1
    tally.sessions += len(offer.sessions)
    return formation(offer, programme.code, programme.owner_name)


def _offer(row: Any) -> OfferFacts:
    label = LabelFacts(
        status=str(row.label_status),
        granted_on=row.granted_on,
        surveillance_from=row.surveillance_from,
        surveillance_until=row.surveillance_until,
        expires_on=row.expires_on,
    )
    return OfferFacts(
        row=row,
        label_id=row.label_id,
        label=label,
        operator_code=row.operator_code,
        operator_name=row.operator_name,
        operator_country=row.operator_country,
    )


def _session(row: Any) -> SessionFacts:
    return SessionFacts(
        code=row.cohort_code,
        mode=CohortMode(row.cohort_mode),
        status=CohortStatus(row.cohort_status),
        starts_on=row.starts_on,
        ends_on=row.ends_on,
        capacity=row.capacity,
        place=row.place_name or row.operator_name,
        country=row.place_country or row.operator_country,
    )
