"""Rows of outcomes. Each copies the enrolment's programme, operator and host (they never
change) so that its row filter needs no join."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import (
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

from stakeholders.db import Base, UTCDateTime, enum_column, utcnow
from stakeholders.outcomes.enums import ContractKind, FollowUpKind

__all__ = ["Assessment", "Attendance", "Certificate", "FollowUp", "Placement"]


class _OfEnrollment:
    """The enrolment a row belongs to, and the facts of it the policy tests."""

    enrollment_id: Mapped[int] = mapped_column(ForeignKey("enrollments.id"), index=True)
    programme_id: Mapped[int] = mapped_column(ForeignKey("programmes.id"), index=True)
    operator_party_id: Mapped[int] = mapped_column(ForeignKey("parties.id"), index=True)
    host_party_id: Mapped[int | None] = mapped_column(ForeignKey("parties.id"), index=True)


class Attendance(_OfEnrollment, Base):
    """Whether an enrolled trainee attended one session day."""

    __tablename__ = "attendance"
    __table_args__ = (UniqueConstraint("enrollment_id", "session_on"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    cohort_id: Mapped[int] = mapped_column(ForeignKey("cohorts.id"), index=True)
    session_on: Mapped[dt.date] = mapped_column(Date)
    present: Mapped[bool] = mapped_column(Boolean)
    recorded_by: Mapped[str] = mapped_column(String(255))
    recorded_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)


class Assessment(_OfEnrollment, Base):
    """One attempt at the programme's test; the first attempt is the one subsidies count."""

    __tablename__ = "assessments"
    __table_args__ = (
        UniqueConstraint("enrollment_id", "attempt"),
        CheckConstraint("score BETWEEN 0 AND 100", name="score"),
        CheckConstraint("attempt >= 1", name="attempt"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    evaluator_party_id: Mapped[int] = mapped_column(ForeignKey("parties.id"), index=True)
    taken_on: Mapped[dt.date] = mapped_column(Date)
    attempt: Mapped[int] = mapped_column(Integer)
    score: Mapped[int] = mapped_column(Integer)
    # Copied from the programme when recorded: a later change of the rule does not rewrite it.
    pass_mark: Mapped[int] = mapped_column(Integer)
    passed: Mapped[bool] = mapped_column(Boolean)
    recorded_by: Mapped[str] = mapped_column(String(255))
    recorded_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)


class Certificate(_OfEnrollment, Base):
    """Issued once per enrolment, on a passed assessment."""

    __tablename__ = "certificates"
    __table_args__ = (UniqueConstraint("enrollment_id"), UniqueConstraint("number"))

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    number: Mapped[str] = mapped_column(String(60))
    trainee_id: Mapped[int] = mapped_column(ForeignKey("trainees.id"), index=True)
    assessment_id: Mapped[int] = mapped_column(ForeignKey("assessments.id"))
    issuer_party_id: Mapped[int] = mapped_column(ForeignKey("parties.id"), index=True)
    level: Mapped[str] = mapped_column(String(120))
    issued_on: Mapped[dt.date] = mapped_column(Date)
    issued_by: Mapped[str] = mapped_column(String(255))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)


class Placement(_OfEnrollment, Base):
    """A job the trainee took with a sponsor, recorded by that sponsor."""

    __tablename__ = "placements"
    __table_args__ = (UniqueConstraint("enrollment_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    trainee_id: Mapped[int] = mapped_column(ForeignKey("trainees.id"), index=True)
    certificate_id: Mapped[int | None] = mapped_column(ForeignKey("certificates.id"))
    employer_party_id: Mapped[int] = mapped_column(ForeignKey("parties.id"), index=True)
    job_title: Mapped[str] = mapped_column(String(200))
    contract_kind: Mapped[ContractKind] = mapped_column(enum_column(ContractKind))
    starts_on: Mapped[dt.date] = mapped_column(Date)
    recorded_by: Mapped[str] = mapped_column(String(255))
    version: Mapped[int] = mapped_column(Integer, default=1)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    __mapper_args__ = {"version_id_col": version}


class FollowUp(_OfEnrollment, Base):
    """What became of a trainee after training, as the employer or the programme observed it."""

    __tablename__ = "follow_ups"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    placement_id: Mapped[int | None] = mapped_column(ForeignKey("placements.id"), index=True)
    employer_party_id: Mapped[int | None] = mapped_column(ForeignKey("parties.id"), index=True)
    author_party_id: Mapped[int] = mapped_column(ForeignKey("parties.id"), index=True)
    kind: Mapped[FollowUpKind] = mapped_column(enum_column(FollowUpKind))
    observed_on: Mapped[dt.date] = mapped_column(Date)
    employed: Mapped[bool | None] = mapped_column(Boolean)
    note: Mapped[str | None] = mapped_column(Text)
    recorded_by: Mapped[str] = mapped_column(String(255))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
