from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import (
    BigInteger,
    CheckConstraint,
    Date,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from stakeholders.db import Base, JSONDocument, UTCDateTime, enum_column, utcnow
from stakeholders.programmes.enums import (
    AgreementKind,
    EligibilityCombination,
    EscalationStatus,
    ParticipantRole,
    ProgrammeStatus,
    ResponsibilityStatus,
)

__all__ = [
    "Agreement",
    "AgreementParty",
    "Escalation",
    "Participant",
    "Programme",
    "ProgressUpdate",
    "Responsibility",
]


class Programme(Base):
    """A public programme; tracks, targets, eligibility and audiences are documents of it."""

    __tablename__ = "programmes"
    __table_args__ = (
        CheckConstraint("ends_on IS NULL OR ends_on >= starts_on", name="period"),
        CheckConstraint("budget_minor IS NULL OR budget_minor >= 0", name="budget"),
        CheckConstraint("minimum_attendance BETWEEN 0 AND 100", name="minimum_attendance"),
        CheckConstraint("pass_mark BETWEEN 0 AND 100", name="pass_mark"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    name: Mapped[str] = mapped_column(String(300))
    owner_party_id: Mapped[int] = mapped_column(ForeignKey("parties.id"), index=True)
    status: Mapped[ProgrammeStatus] = mapped_column(enum_column(ProgrammeStatus))
    starts_on: Mapped[dt.date] = mapped_column(Date)
    ends_on: Mapped[dt.date | None] = mapped_column(Date)
    currency: Mapped[str] = mapped_column(String(3))
    budget_minor: Mapped[int | None] = mapped_column(BigInteger)
    tracks: Mapped[list[dict[str, Any]]] = mapped_column(JSONDocument, default=list)
    targets: Mapped[list[dict[str, Any]]] = mapped_column(JSONDocument, default=list)
    eligibility_rules: Mapped[list[dict[str, Any]]] = mapped_column(JSONDocument, default=list)
    # Whether a person must meet every rule, or one is enough (two audiences, either of which
    # qualifies: Chongqing's graduates and enterprise employees).
    eligibility_combination: Mapped[EligibilityCombination] = mapped_column(
        enum_column(EligibilityCombination),
        default=EligibilityCombination.ALL_OF,
        server_default="ALL_OF",
    )
    priority_audiences: Mapped[list[str]] = mapped_column(JSONDocument, default=list)
    # Delivery rules: share of session days to attend to complete, score (of 100) to pass.
    minimum_attendance: Mapped[int] = mapped_column(Integer, default=80, server_default="80")
    pass_mark: Mapped[int] = mapped_column(Integer, default=50, server_default="50")
    version: Mapped[int] = mapped_column(Integer, default=1)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    __mapper_args__ = {"version_id_col": version}


class Participant(Base):
    """A party taking part in a programme in one role (a party may hold several)."""

    __tablename__ = "programme_participants"
    __table_args__ = (UniqueConstraint("programme_id", "party_id", "role"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    programme_id: Mapped[int] = mapped_column(ForeignKey("programmes.id"), index=True)
    party_id: Mapped[int] = mapped_column(ForeignKey("parties.id"), index=True)
    role: Mapped[ParticipantRole] = mapped_column(enum_column(ParticipantRole))
    joined_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)


class Agreement(Base):
    """A convention, procurement lot or grant; signed once every party has signed."""

    __tablename__ = "agreements"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    programme_id: Mapped[int] = mapped_column(ForeignKey("programmes.id"), index=True)
    kind: Mapped[AgreementKind] = mapped_column(enum_column(AgreementKind))
    title: Mapped[str] = mapped_column(String(300))
    reference: Mapped[str | None] = mapped_column(String(100))
    signed_on: Mapped[dt.date | None] = mapped_column(Date)
    version: Mapped[int] = mapped_column(Integer, default=1)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    __mapper_args__ = {"version_id_col": version}


class AgreementParty(Base):
    __tablename__ = "agreement_parties"
    __table_args__ = (UniqueConstraint("agreement_id", "party_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    agreement_id: Mapped[int] = mapped_column(ForeignKey("agreements.id"), index=True)
    party_id: Mapped[int] = mapped_column(ForeignKey("parties.id"), index=True)
    role: Mapped[ParticipantRole] = mapped_column(enum_column(ParticipantRole))
    signed_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    signed_by: Mapped[str | None] = mapped_column(String(255))


class Responsibility(Base):
    """A duty assigned to a party, updated by that party only."""

    __tablename__ = "responsibilities"
    __table_args__ = (CheckConstraint("progress BETWEEN 0 AND 100", name="progress"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    programme_id: Mapped[int] = mapped_column(ForeignKey("programmes.id"), index=True)
    agreement_id: Mapped[int | None] = mapped_column(ForeignKey("agreements.id"), index=True)
    assignee_party_id: Mapped[int] = mapped_column(ForeignKey("parties.id"), index=True)
    title: Mapped[str] = mapped_column(String(300))
    description: Mapped[str] = mapped_column(Text, default="")
    due_on: Mapped[dt.date | None] = mapped_column(Date, index=True)
    status: Mapped[ResponsibilityStatus] = mapped_column(
        enum_column(ResponsibilityStatus), index=True
    )
    progress: Mapped[int] = mapped_column(Integer, default=0)
    created_by: Mapped[str] = mapped_column(String(255))
    version: Mapped[int] = mapped_column(Integer, default=1)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    __mapper_args__ = {"version_id_col": version}


class ProgressUpdate(Base):
    """One entry of a responsibility's history; `programme_id` is copied for the row filter."""

    __tablename__ = "progress_updates"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    responsibility_id: Mapped[int] = mapped_column(ForeignKey("responsibilities.id"), index=True)
    programme_id: Mapped[int] = mapped_column(ForeignKey("programmes.id"), index=True)
    at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    author_sub: Mapped[str] = mapped_column(String(255))
    author_party_id: Mapped[int] = mapped_column(ForeignKey("parties.id"))
    status: Mapped[ResponsibilityStatus] = mapped_column(enum_column(ResponsibilityStatus))
    progress: Mapped[int] = mapped_column(Integer)
    note: Mapped[str] = mapped_column(Text, default="")


class Escalation(Base):
    """A difficulty raised by one party to another (usually the programme's owner)."""

    __tablename__ = "escalations"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    programme_id: Mapped[int] = mapped_column(ForeignKey("programmes.id"), index=True)
    responsibility_id: Mapped[int | None] = mapped_column(
        ForeignKey("responsibilities.id"), index=True
    )
    raised_by_party_id: Mapped[int] = mapped_column(ForeignKey("parties.id"), index=True)
    addressed_to_party_id: Mapped[int] = mapped_column(ForeignKey("parties.id"), index=True)
    subject: Mapped[str] = mapped_column(String(300))
    description: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[EscalationStatus] = mapped_column(enum_column(EscalationStatus), index=True)
    resolution: Mapped[str | None] = mapped_column(Text)
    raised_by_sub: Mapped[str] = mapped_column(String(255))
    raised_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    acknowledged_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    resolved_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    version: Mapped[int] = mapped_column(Integer, default=1)

    __mapper_args__ = {"version_id_col": version}
