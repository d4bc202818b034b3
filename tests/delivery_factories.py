"""Factories of delivery and outcome rows, with keyword overrides (rows flushed, not committed)."""

from __future__ import annotations

import datetime as dt
from itertools import count
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from stakeholders.delivery.models import Cohort, Enrollment, Trainee, TraineeContact
from stakeholders.outcomes.models import Assessment, Attendance, Certificate, FollowUp, Placement
from stakeholders.parties.models import Party
from stakeholders.programmes.models import Programme

_serial = count(1)


async def _add(session: AsyncSession, row: Any) -> Any:
    session.add(row)
    await session.flush()
    return row


async def create_cohort(
    session: AsyncSession, programme: Programme, operator: Party, **overrides: Any
) -> Cohort:
    values: dict[str, Any] = {
        "code": f"C-{next(_serial)}",
        "mode": "IN_PERSON",
        "modules": ["AI"],
        "starts_on": dt.date(2025, 3, 1),
        "ends_on": dt.date(2025, 6, 30),
        "capacity": 30,
        "status": "OPEN",
        "host_party_id": None,
        "district_party_id": None,
    }
    values.update(overrides)
    return await _add(
        session, Cohort(programme_id=programme.id, operator_party_id=operator.id, **values)
    )


_CN_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)


def national_id(country: str, n: int) -> str:
    """The n-th of distinct valid national IDs of CN, FR, MA or VN (distinct below a million)."""
    if country == "CN":
        born = dt.date(1990, 1, 1) + dt.timedelta(days=n // 1000)
        body = f"500103{born:%Y%m%d}{n % 1000:03d}"
        total = sum(int(d) * w for d, w in zip(body, _CN_WEIGHTS, strict=True))
        return body + "10X98765432"[total % 11]
    if country == "FR":
        body = f"1900175{n // 1000 + 1:03d}{n % 1000:03d}"
        return f"{body}{97 - int(body) % 97:02d}"
    if country == "MA":
        return f"BE{n % 1_000_000:06d}"
    return f"0790{n:08d}"


async def create_trainee(session: AsyncSession, **overrides: Any) -> Trainee:
    n = next(_serial)
    values: dict[str, Any] = {
        "country": "VN",
        "national_id": f"0790{n:08d}",
        "full_name": f"Nguyễn Văn {n}",
        "gender": "MALE",
        "birth_date": dt.date(1990, 1, 1),
        "education_level": "BACHELOR",
        "employment_status": "CIVIL_SERVANT",
        "priority_flags": [],
    }
    values.update(overrides)
    return await _add(session, Trainee(**values))


async def enroll(
    session: AsyncSession, trainee: Trainee, cohort: Cohort, status: str = "ENROLLED", **extra: Any
) -> Enrollment:
    """The trainee in the cohort, with the contact the person gave the cohort's operator."""
    contact = await session.scalar(
        select(TraineeContact).where(
            TraineeContact.trainee_id == trainee.id,
            TraineeContact.party_id == cohort.operator_party_id,
        )
    )
    if contact is None:
        await _add(
            session,
            TraineeContact(
                trainee_id=trainee.id,
                party_id=cohort.operator_party_id,
                email=f"trainee{trainee.id}@example.vn",
                phone="+84 90 000 0000",
            ),
        )
    return await _add(
        session,
        Enrollment(
            trainee_id=trainee.id,
            cohort_id=cohort.id,
            programme_id=cohort.programme_id,
            operator_party_id=cohort.operator_party_id,
            host_party_id=cohort.host_party_id,
            status=status,
            **extra,
        ),
    )


def _of(enrollment: Enrollment) -> dict[str, Any]:
    return {
        "enrollment_id": enrollment.id,
        "programme_id": enrollment.programme_id,
        "operator_party_id": enrollment.operator_party_id,
        "host_party_id": enrollment.host_party_id,
    }


async def mark_attendance(
    session: AsyncSession, enrollment: Enrollment, day: dt.date, present: bool = True
) -> Attendance:
    return await _add(
        session,
        Attendance(
            **_of(enrollment),
            cohort_id=enrollment.cohort_id,
            session_on=day,
            present=present,
            recorded_by="factory",
        ),
    )


async def assess(
    session: AsyncSession, enrollment: Enrollment, evaluator: Party, score: int, attempt: int = 1
) -> Assessment:
    return await _add(
        session,
        Assessment(
            **_of(enrollment),
            evaluator_party_id=evaluator.id,
            taken_on=dt.date(2025, 6, 30),
            attempt=attempt,
            score=score,
            pass_mark=50,
            passed=score >= 50,
            recorded_by="factory",
        ),
    )


async def certify(
    session: AsyncSession, enrollment: Enrollment, assessment: Assessment, issuer: Party
) -> Certificate:
    return await _add(
        session,
        Certificate(
            **_of(enrollment),
            number=f"CERT-{next(_serial):06d}",
            trainee_id=enrollment.trainee_id,
            assessment_id=assessment.id,
            issuer_party_id=issuer.id,
            level="Chứng chỉ kỹ năng số cơ bản",
            issued_on=dt.date(2025, 7, 1),
            issued_by="factory",
        ),
    )


async def place(
    session: AsyncSession, enrollment: Enrollment, employer: Party, **overrides: Any
) -> Placement:
    values: dict[str, Any] = {
        "job_title": "Data analyst",
        "contract_kind": "PERMANENT",
        "starts_on": dt.date(2025, 9, 1),
        "certificate_id": None,
    }
    values.update(overrides)
    return await _add(
        session,
        Placement(
            **_of(enrollment),
            trainee_id=enrollment.trainee_id,
            employer_party_id=employer.id,
            recorded_by="factory",
            **values,
        ),
    )


async def follow_up(
    session: AsyncSession,
    enrollment: Enrollment,
    author: Party,
    note: str,
    employer: Party | None = None,
) -> FollowUp:
    return await _add(
        session,
        FollowUp(
            **_of(enrollment),
            author_party_id=author.id,
            employer_party_id=employer.id if employer else None,
            kind="EMPLOYMENT_STATUS",
            observed_on=dt.date(2026, 3, 1),
            employed=True,
            note=note,
            recorded_by="factory",
        ),
    )
