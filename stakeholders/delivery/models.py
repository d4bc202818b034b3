from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import (
    CheckConstraint,
    Date,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from stakeholders.db import Base, JSONDocument, UTCDateTime, enum_column, utcnow
from stakeholders.delivery.enums import (
    CohortMode,
    CohortStatus,
    EducationLevel,
    EmploymentStatus,
    EnrollmentStatus,
    Gender,
)

__all__ = ["Cohort", "Enrollment", "Trainee", "TraineeContact"]


def _every_day(context: Any) -> int:
    """Unless told otherwise, a class meets on every day of its period."""
    row = context.get_current_parameters()
    return int((row["ends_on"] - row["starts_on"]).days) + 1


class Cohort(Base):
    """A class of a programme, run by an operator, perhaps hosted by a university."""

    __tablename__ = "cohorts"
    __table_args__ = (
        UniqueConstraint("programme_id", "code"),
        CheckConstraint("capacity > 0", name="capacity"),
        CheckConstraint("ends_on >= starts_on", name="period"),
        CheckConstraint("planned_session_days > 0", name="planned_session_days"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    programme_id: Mapped[int] = mapped_column(ForeignKey("programmes.id"), index=True)
    code: Mapped[str] = mapped_column(String(40))
    operator_party_id: Mapped[int] = mapped_column(ForeignKey("parties.id"), index=True)
    host_party_id: Mapped[int | None] = mapped_column(ForeignKey("parties.id"), index=True)
    district_party_id: Mapped[int | None] = mapped_column(ForeignKey("parties.id"), index=True)
    mode: Mapped[CohortMode] = mapped_column(enum_column(CohortMode))
    modules: Mapped[list[str]] = mapped_column(JSONDocument, default=list)
    starts_on: Mapped[dt.date] = mapped_column(Date)
    ends_on: Mapped[dt.date] = mapped_column(Date)
    capacity: Mapped[int] = mapped_column(Integer)
    # How many session days the class plans: completion is attendance over these, not over
    # the days recorded so far.
    planned_session_days: Mapped[int] = mapped_column(Integer, default=_every_day)
    status: Mapped[CohortStatus] = mapped_column(enum_column(CohortStatus))
    version: Mapped[int] = mapped_column(Integer, default=1)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    __mapper_args__ = {"version_id_col": version}


class Trainee(Base):
    """A person in training, one record per country and national ID shared by the parties
    that enrol the person: identity and situation here, each party's contact apart
    (TraineeContact). Personal data, read only as auth.policy allows."""

    __tablename__ = "trainees"
    __table_args__ = (UniqueConstraint("country", "national_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    country: Mapped[str] = mapped_column(String(2))
    national_id: Mapped[str] = mapped_column(String(40))
    full_name: Mapped[str] = mapped_column(String(300))
    birth_date: Mapped[dt.date | None] = mapped_column(Date)
    gender: Mapped[Gender] = mapped_column(enum_column(Gender))
    education_level: Mapped[EducationLevel | None] = mapped_column(enum_column(EducationLevel))
    employment_status: Mapped[EmploymentStatus | None] = mapped_column(
        enum_column(EmploymentStatus)
    )
    employer_name: Mapped[str | None] = mapped_column(String(300))
    residence_district_id: Mapped[int | None] = mapped_column(ForeignKey("parties.id"), index=True)
    priority_flags: Mapped[list[str]] = mapped_column(JSONDocument, default=list)
    version: Mapped[int] = mapped_column(Integer, default=1)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    __mapper_args__ = {"version_id_col": version}

    def __repr__(self) -> str:  # never personal data in logs or tracebacks
        return f"Trainee(id={self.id!r})"


class TraineeContact(Base):
    """How one party reaches a person it trains: the contact the person gave that party.

    Kept per party (purpose limitation): an operator enrolling a person another operator
    trains neither reads nor overwrites the contact given to the other."""

    __tablename__ = "trainee_contacts"
    __table_args__ = (UniqueConstraint("trainee_id", "party_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    trainee_id: Mapped[int] = mapped_column(ForeignKey("trainees.id"), index=True)
    party_id: Mapped[int] = mapped_column(ForeignKey("parties.id"), index=True)
    email: Mapped[str | None] = mapped_column(String(320))
    phone: Mapped[str | None] = mapped_column(String(40))
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    def __repr__(self) -> str:  # never personal data in logs or tracebacks
        return f"TraineeContact(id={self.id!r})"


class Enrollment(Base):
    """A trainee in a cohort. The cohort's programme, operator and host are copied here (they
    never change for a cohort) so that the row filter needs no join."""

    __tablename__ = "enrollments"
    __table_args__ = (
        UniqueConstraint("trainee_id", "cohort_id"),
        Index("ix_enrollments_cohort_status", "cohort_id", "status"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    trainee_id: Mapped[int] = mapped_column(ForeignKey("trainees.id"), index=True)
    cohort_id: Mapped[int] = mapped_column(ForeignKey("cohorts.id"), index=True)
    programme_id: Mapped[int] = mapped_column(ForeignKey("programmes.id"), index=True)
    operator_party_id: Mapped[int] = mapped_column(ForeignKey("parties.id"), index=True)
    host_party_id: Mapped[int | None] = mapped_column(ForeignKey("parties.id"), index=True)
    status: Mapped[EnrollmentStatus] = mapped_column(enum_column(EnrollmentStatus), index=True)
    failed_rule: Mapped[str | None] = mapped_column(String(200))
    decided_by: Mapped[str | None] = mapped_column(String(255))
    decided_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime)
    reason: Mapped[str | None] = mapped_column(Text)
    version: Mapped[int] = mapped_column(Integer, default=1)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    __mapper_args__ = {"version_id_col": version}

    def __repr__(self) -> str:  # never the trainee's data in logs or tracebacks
        return f"Enrollment(id={self.id!r}, status={self.status!r})"
