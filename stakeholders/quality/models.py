"""Rows of quality. Each copies the facts its row filter tests (programme, operator, applicant)
so that it needs no join. What depends on the date (a call closed by its closing time, a label
due for surveillance or expired) is computed when read, never stored: no cron job."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import (
    BigInteger,
    Boolean,
    CheckConstraint,
    Date,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from stakeholders.db import Base, JSONDocument, UTCDateTime, Versioned, enum_column, utcnow
from stakeholders.delivery.enums import CohortMode
from stakeholders.quality.enums import (
    ApplicationStatus,
    CallKind,
    CallStatus,
    LotStatus,
    OfferStatus,
    ReviewStatus,
)

__all__ = [
    "Application",
    "Call",
    "Label",
    "OfferSession",
    "ProcurementLot",
    "Review",
    "ReviewConflict",
    "TrainingOffer",
]


class TrainingOffer(Versioned, Base):
    """An operator's training as a catalogue item (LHEO's formation), run by its sessions."""

    __tablename__ = "training_offers"
    __table_args__ = (
        UniqueConstraint("programme_id", "code"),
        CheckConstraint("duration_hours > 0", name="duration"),
        CheckConstraint("places > 0", name="places"),
        CheckConstraint("price_minor >= 0 AND budget_minor >= 0", name="money"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    programme_id: Mapped[int] = mapped_column(ForeignKey("programmes.id"), index=True)
    operator_party_id: Mapped[int] = mapped_column(ForeignKey("parties.id"), index=True)
    code: Mapped[str] = mapped_column(String(40))
    title: Mapped[str] = mapped_column(String(255))
    objective: Mapped[str] = mapped_column(Text)
    content: Mapped[str] = mapped_column(Text)
    duration_hours: Mapped[int] = mapped_column(Integer)
    mode: Mapped[CohortMode] = mapped_column(enum_column(CohortMode))
    places: Mapped[int] = mapped_column(Integer)
    # What a learner's place costs, and the training's whole budget (the label's start-up
    # subsidy is at most 80% of it).
    price_minor: Mapped[int] = mapped_column(BigInteger)
    budget_minor: Mapped[int] = mapped_column(BigInteger)
    currency: Mapped[str] = mapped_column(String(3))
    entry_level: Mapped[str] = mapped_column(String(120))
    audiences: Mapped[list[str]] = mapped_column(JSONDocument, default=list)
    district_party_id: Mapped[int | None] = mapped_column(ForeignKey("parties.id"), index=True)
    formacode: Mapped[list[str]] = mapped_column(JSONDocument, default=list)
    rome: Mapped[list[str]] = mapped_column(JSONDocument, default=list)
    certification: Mapped[str | None] = mapped_column(String(255))
    contact: Mapped[str | None] = mapped_column(String(255))
    status: Mapped[OfferStatus] = mapped_column(enum_column(OfferStatus))
    published_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    created_by: Mapped[str] = mapped_column(String(255))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)


class OfferSession(Base):
    """A cohort that runs an offer (LHEO's action and session)."""

    __tablename__ = "offer_sessions"
    __table_args__ = (UniqueConstraint("cohort_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    offer_id: Mapped[int] = mapped_column(ForeignKey("training_offers.id"), index=True)
    cohort_id: Mapped[int] = mapped_column(ForeignKey("cohorts.id"))
    programme_id: Mapped[int] = mapped_column(ForeignKey("programmes.id"), index=True)
    operator_party_id: Mapped[int] = mapped_column(ForeignKey("parties.id"), index=True)
    added_by: Mapped[str] = mapped_column(String(255))
    added_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)


class Call(Versioned, Base):
    """A call for labelling, for projects or for a procurement, with its scoring grid."""

    __tablename__ = "calls"
    __table_args__ = (
        UniqueConstraint("programme_id", "code"),
        CheckConstraint("closes_at > opens_at", name="period"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    programme_id: Mapped[int] = mapped_column(ForeignKey("programmes.id"), index=True)
    code: Mapped[str] = mapped_column(String(40))
    kind: Mapped[CallKind] = mapped_column(enum_column(CallKind))
    title: Mapped[str] = mapped_column(String(300))
    description: Mapped[str] = mapped_column(Text, default="")
    themes: Mapped[list[str]] = mapped_column(JSONDocument, default=list)
    # [{code, name, weight, threshold}]: scores 0-5 per criterion.
    criteria: Mapped[list[dict[str, Any]]] = mapped_column(JSONDocument, default=list)
    # The weighted total an accepted application reaches, on the grid's 0-5 scale.
    overall_threshold: Mapped[float] = mapped_column(default=0.0)
    priorities: Mapped[list[str]] = mapped_column(JSONDocument, default=list)
    reviews_required: Mapped[int] = mapped_column(Integer, default=3)
    opens_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    closes_at: Mapped[dt.datetime] = mapped_column(UTCDateTime)
    # DRAFT, OPEN, CLOSED (closed early by its owner) or DECIDED; an OPEN call past its
    # closing time reads as CLOSED (stakeholders.quality.calendar).
    status: Mapped[CallStatus] = mapped_column(enum_column(CallStatus))
    closed_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    created_by: Mapped[str] = mapped_column(String(255))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)


class ProcurementLot(Versioned, Base):
    """A lot of a procurement call: places in a region at a price, awarded to one operator."""

    __tablename__ = "procurement_lots"
    __table_args__ = (
        UniqueConstraint("call_id", "code"),
        CheckConstraint("places > 0 AND price_per_place_minor >= 0", name="lot"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    call_id: Mapped[int] = mapped_column(ForeignKey("calls.id"), index=True)
    programme_id: Mapped[int] = mapped_column(ForeignKey("programmes.id"), index=True)
    code: Mapped[str] = mapped_column(String(40))
    title: Mapped[str] = mapped_column(String(300))
    region_party_id: Mapped[int] = mapped_column(ForeignKey("parties.id"), index=True)
    places: Mapped[int] = mapped_column(Integer)
    price_per_place_minor: Mapped[int] = mapped_column(BigInteger)
    currency: Mapped[str] = mapped_column(String(3))
    # Public from its call's opening on.
    published: Mapped[bool] = mapped_column(Boolean, default=False)
    status: Mapped[LotStatus] = mapped_column(enum_column(LotStatus))
    operator_party_id: Mapped[int | None] = mapped_column(ForeignKey("parties.id"), index=True)
    agreement_id: Mapped[int | None] = mapped_column(ForeignKey("agreements.id"))
    budget_line_id: Mapped[int | None] = mapped_column(ForeignKey("budget_lines.id"))
    awarded_by: Mapped[str | None] = mapped_column(String(255))
    awarded_on: Mapped[dt.date | None] = mapped_column(Date)
    created_by: Mapped[str] = mapped_column(String(255))


class Application(Versioned, Base):
    """An operator's answer to a call: an offer to label, a project, or a bid for a lot."""

    __tablename__ = "applications"
    __table_args__ = (CheckConstraint("amount_minor IS NULL OR amount_minor >= 0", name="amount"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    call_id: Mapped[int] = mapped_column(ForeignKey("calls.id"), index=True)
    programme_id: Mapped[int] = mapped_column(ForeignKey("programmes.id"), index=True)
    applicant_party_id: Mapped[int] = mapped_column(ForeignKey("parties.id"), index=True)
    offer_id: Mapped[int | None] = mapped_column(ForeignKey("training_offers.id"), index=True)
    lot_id: Mapped[int | None] = mapped_column(ForeignKey("procurement_lots.id"), index=True)
    title: Mapped[str] = mapped_column(String(300))
    summary: Mapped[str] = mapped_column(Text, default="")
    themes: Mapped[list[str]] = mapped_column(JSONDocument, default=list)
    amount_minor: Mapped[int | None] = mapped_column(BigInteger)
    currency: Mapped[str] = mapped_column(String(3))
    # Priority criteria of the call the application claims to meet (QPV, RURAL, WOMEN...).
    priorities: Mapped[list[str]] = mapped_column(JSONDocument, default=list)
    status: Mapped[ApplicationStatus] = mapped_column(enum_column(ApplicationStatus))
    submitted_by: Mapped[str] = mapped_column(String(255))
    submitted_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    decided_by: Mapped[str | None] = mapped_column(String(255))
    decided_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    motivation: Mapped[str | None] = mapped_column(Text)
    # Why an application was accepted below a threshold of the grid (recorded, never silent).
    derogation: Mapped[str | None] = mapped_column(Text)
    # The consolidated weighted score when decided (0-5), kept as decided.
    score: Mapped[float | None] = mapped_column()
    agreement_id: Mapped[int | None] = mapped_column(ForeignKey("agreements.id"))
    budget_line_id: Mapped[int | None] = mapped_column(ForeignKey("budget_lines.id"))


class Review(Versioned, Base):
    """One independent reviewer's scores of one application."""

    __tablename__ = "reviews"
    __table_args__ = (UniqueConstraint("application_id", "reviewer_sub"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("applications.id"), index=True)
    call_id: Mapped[int] = mapped_column(ForeignKey("calls.id"), index=True)
    programme_id: Mapped[int] = mapped_column(ForeignKey("programmes.id"), index=True)
    reviewer_sub: Mapped[str] = mapped_column(String(255), index=True)
    reviewer_party_id: Mapped[int] = mapped_column(ForeignKey("parties.id"), index=True)
    status: Mapped[ReviewStatus] = mapped_column(enum_column(ReviewStatus))
    # [{criterion, score, comment}]
    scores: Mapped[list[dict[str, Any]]] = mapped_column(JSONDocument, default=list)
    total: Mapped[float | None] = mapped_column()
    assigned_by: Mapped[str] = mapped_column(String(255))
    assigned_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    submitted_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)


class ReviewConflict(Base):
    """A person's declared conflict of interest with a party, for a call: never assigned."""

    __tablename__ = "review_conflicts"
    __table_args__ = (UniqueConstraint("call_id", "reviewer_sub", "party_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    call_id: Mapped[int] = mapped_column(ForeignKey("calls.id"), index=True)
    programme_id: Mapped[int] = mapped_column(ForeignKey("programmes.id"), index=True)
    reviewer_sub: Mapped[str] = mapped_column(String(255))
    party_id: Mapped[int] = mapped_column(ForeignKey("parties.id"))
    reason: Mapped[str] = mapped_column(Text)
    declared_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)


class Label(Versioned, Base):
    """A three-year label on one training offer, granted by an accepted application."""

    __tablename__ = "labels"
    __table_args__ = (
        UniqueConstraint("application_id"),
        CheckConstraint("expires_on > granted_on", name="validity"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    offer_id: Mapped[int] = mapped_column(ForeignKey("training_offers.id"), index=True)
    application_id: Mapped[int] = mapped_column(ForeignKey("applications.id"))
    programme_id: Mapped[int] = mapped_column(ForeignKey("programmes.id"), index=True)
    operator_party_id: Mapped[int] = mapped_column(ForeignKey("parties.id"), index=True)
    granted_on: Mapped[dt.date] = mapped_column(Date)
    # Month 14 to month 22: the surveillance review is due (Qualiopi's rhythm).
    surveillance_from: Mapped[dt.date] = mapped_column(Date)
    surveillance_until: Mapped[dt.date] = mapped_column(Date)
    expires_on: Mapped[dt.date] = mapped_column(Date, index=True)
    surveillance_responsibility_id: Mapped[int | None] = mapped_column(
        ForeignKey("responsibilities.id")
    )
    # ACTIVE, SUSPENDED or WITHDRAWN as decided; the date makes the rest (calendar.py).
    standing: Mapped[str] = mapped_column(String(16), default="ACTIVE")
    standing_reason: Mapped[str | None] = mapped_column(Text)
    renews_label_id: Mapped[int | None] = mapped_column(ForeignKey("labels.id"))
    granted_by: Mapped[str] = mapped_column(String(255))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
