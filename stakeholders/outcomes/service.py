"""Rules of outcomes: attendance, assessments, certificates, placements, follow-ups.

Services flush, never commit. Each checks the state it needs (an enrolled trainee, a passed
test) and leaves one audit event per row it changes.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from auth.principal import Principal
from stakeholders.audit.service import snapshot
from stakeholders.db import utcnow
from stakeholders.delivery.enums import EnrollmentStatus
from stakeholders.delivery.models import Cohort, Enrollment, Trainee
from stakeholders.delivery.service import COMPLETION_CHECKS
from stakeholders.errors import BadInput, Conflict
from stakeholders.events import raise_event
from stakeholders.outcomes.enums import ContractKind, FollowUpKind
from stakeholders.outcomes.events import CertificateIssued
from stakeholders.outcomes.models import Assessment, Attendance, Certificate, FollowUp, Placement
from stakeholders.programmes.enums import ParticipantRole
from stakeholders.programmes.models import Programme
from stakeholders.programmes.service import participant_roles
from stakeholders.validation import check_text, optional_text
from stakeholders.writes import add_audited, audited, get_for_update

__all__ = [
    "AttendanceMark",
    "PlacementSpec",
    "issue_certificate",
    "record_assessment",
    "record_attendance",
    "record_follow_up",
    "record_placement",
    "shown_certificate",
]

TRAINED = (EnrollmentStatus.ENROLLED, EnrollmentStatus.COMPLETED)


async def days_present(session: AsyncSession, enrollment_id: int) -> int:
    """The session days an enrolment's trainee was recorded present."""
    count = await session.scalar(
        select(func.count()).where(
            Attendance.enrollment_id == enrollment_id, Attendance.present.is_(True)
        )
    )
    return int(count or 0)


async def attended_enough(
    session: AsyncSession, enrollment: Enrollment, cohort: Cohort, programme: Programme
) -> None:
    """Completion is attendance over the session days the cohort planned, so that a class
    recorded for one day of three does not complete anyone on that one day."""
    present = await days_present(session, enrollment.id)
    planned = cohort.planned_session_days
    if present * 100 < programme.minimum_attendance * planned:
        raise Conflict(
            f"attendance is {present} of the {planned} planned session days, below the "
            f"programme's minimum of {programme.minimum_attendance}%"
        )


COMPLETION_CHECKS.append(attended_enough)


def _facts(enrollment: Enrollment) -> dict[str, int | None]:
    return {
        "enrollment_id": enrollment.id,
        "programme_id": enrollment.programme_id,
        "operator_party_id": enrollment.operator_party_id,
        "host_party_id": enrollment.host_party_id,
    }


def _who(principal: Principal) -> str:
    assert principal.sub is not None, "mutations refuse the anonymous caller first"
    return principal.sub


def _require(enrollment: Enrollment, allowed: Sequence[EnrollmentStatus], doing: str) -> None:
    if enrollment.status not in allowed:
        wanted = " or ".join(allowed)
        raise Conflict(f"{doing} needs an enrolment {wanted}; this one is {enrollment.status}")


@dataclass(frozen=True)
class AttendanceMark:
    enrollment_id: int
    present: bool


async def record_attendance(
    session: AsyncSession,
    principal: Principal,
    *,
    cohort: Cohort,
    day: dt.date,
    marks: Sequence[AttendanceMark],
) -> list[Attendance]:
    """Who came on one session day; recording a day again corrects it (and is audited)."""
    if not cohort.starts_on <= day <= cohort.ends_on:
        raise BadInput("the day is outside the cohort's period", field="day")
    if day > dt.datetime.now(dt.UTC).date():
        raise BadInput("attendance is recorded for days that have happened", field="day")
    ids = [m.enrollment_id for m in marks]
    if not ids or len(set(ids)) != len(ids):
        raise BadInput("name each enrolment once, present or absent", field="present")
    enrollments = {
        e.id: e
        for e in await session.scalars(
            select(Enrollment).where(Enrollment.id.in_(ids), Enrollment.cohort_id == cohort.id)
        )
    }
    stray = [i for i in ids if i not in enrollments]
    if stray:
        raise BadInput(f"{len(stray)} enrolment(s) are not of this cohort", field="present")
    for enrollment in enrollments.values():
        _require(enrollment, (EnrollmentStatus.ENROLLED,), "attendance")
    stored = {
        a.enrollment_id: a
        for a in await session.scalars(
            select(Attendance).where(
                Attendance.enrollment_id.in_(ids), Attendance.session_on == day
            )
        )
    }
    changed = []
    for mark in marks:
        row = stored.get(mark.enrollment_id)
        if row is not None and row.present == mark.present:
            continue  # the same again: nothing to record
        before = snapshot(row) if row is not None else None
        if row is None:
            row = Attendance(
                cohort_id=cohort.id, session_on=day, **_facts(enrollments[mark.enrollment_id])
            )
            session.add(row)
        row.present, row.recorded_by, row.recorded_at = mark.present, _who(principal), utcnow()
        await audited(session, principal, "recordAttendance", row, before)
        changed.append(row)
    return changed


async def record_assessment(
    session: AsyncSession,
    principal: Principal,
    *,
    enrollment: Enrollment,
    taken_on: dt.date,
    score: int,
) -> Assessment:
    """The next attempt of an enrolled trainee, judged against the programme's pass mark."""
    _require(enrollment, TRAINED, "an assessment")
    if not 0 <= score <= 100:
        raise BadInput("score is out of 100", field="score")
    if taken_on > dt.datetime.now(dt.UTC).date():
        raise BadInput("an assessment is recorded once taken", field="takenOn")
    attempts = list(
        await session.scalars(
            select(Assessment)
            .where(Assessment.enrollment_id == enrollment.id)
            .order_by(Assessment.attempt)
        )
    )
    if any(a.passed for a in attempts):
        raise Conflict("the trainee has passed already; no further attempt is recorded")
    if attempts and taken_on < attempts[-1].taken_on:
        raise BadInput("an attempt cannot precede the previous one", field="takenOn")
    programme = await get_for_update(session, Programme, enrollment.programme_id)
    assessment = Assessment(
        **_facts(enrollment),
        evaluator_party_id=principal.party_id,
        taken_on=taken_on,
        attempt=len(attempts) + 1,
        score=score,
        pass_mark=programme.pass_mark,
        passed=score >= programme.pass_mark,
        recorded_by=_who(principal),
    )
    return await add_audited(session, principal, "recordAssessment", assessment)


async def _next_number(session: AsyncSession, programme: Programme, year: int) -> str:
    # Numbers are dense per programme and year; two issuers racing for one number hit the
    # unique constraint and the second gets CONFLICT (retry), never a duplicate.
    prefix = f"{programme.code}-{year}-"
    count = await session.scalar(
        select(func.count())
        .select_from(Certificate)
        .where(Certificate.programme_id == programme.id, Certificate.number.startswith(prefix))
    )
    return f"{prefix}{int(count or 0) + 1:06d}"


async def issue_certificate(
    session: AsyncSession, principal: Principal, *, enrollment: Enrollment, level: str
) -> Certificate:
    """A certificate for a passed test, at most one per enrolment."""
    _require(enrollment, TRAINED, "a certificate")
    level = check_text(level, field="level", max_length=120)
    existing = await session.scalar(
        select(Certificate.number).where(Certificate.enrollment_id == enrollment.id)
    )
    if existing is not None:
        raise Conflict(f"this enrolment has its certificate already ({existing})")
    passed = await session.scalar(
        select(Assessment).where(
            Assessment.enrollment_id == enrollment.id, Assessment.passed.is_(True)
        )
    )
    if passed is None:
        raise Conflict("no passed assessment: a certificate is issued on a pass")
    programme = await get_for_update(session, Programme, enrollment.programme_id)
    today = dt.datetime.now(dt.UTC).date()
    certificate = Certificate(
        **_facts(enrollment),
        number=await _next_number(session, programme, today.year),
        trainee_id=enrollment.trainee_id,
        assessment_id=passed.id,
        issuer_party_id=principal.party_id,
        level=level,
        issued_on=today,
        issued_by=_who(principal),
    )
    await add_audited(session, principal, "issueCertificate", certificate)
    await raise_event(session, principal, CertificateIssued(certificate, enrollment, passed))
    return certificate


@dataclass(frozen=True)
class PlacementSpec:
    job_title: str
    contract_kind: ContractKind
    starts_on: dt.date


async def shown_certificate(
    session: AsyncSession, number: str, holder_birth_date: dt.date
) -> Certificate | None:
    """The certificate a graduate shows with their identity document: its number and the
    holder's date of birth must both match, so that a number alone (printed on a CV, guessed
    in sequence) lets nobody record a hire of a person they never met."""
    found: Certificate | None = await session.scalar(
        select(Certificate)
        .join(Trainee, Trainee.id == Certificate.trainee_id)
        .where(Certificate.number == number.strip(), Trainee.birth_date == holder_birth_date)
    )
    return found


async def record_placement(
    session: AsyncSession, principal: Principal, *, certificate: Certificate, spec: PlacementSpec
) -> Placement:
    """The caller's party hired the holder of `certificate`: once per enrolment."""
    assert principal.party_id is not None, "a hire is recorded by a party"
    roles = await participant_roles(session, certificate.programme_id, principal.party_id)
    hiring = {ParticipantRole.FUNDER.value, ParticipantRole.EMPLOYER.value}
    if not hiring & roles:
        raise BadInput(
            "your party must take part in the programme as FUNDER or EMPLOYER to record a hire",
            field="certificateNumber",
        )
    taken = await session.scalar(
        select(Placement.id).where(Placement.enrollment_id == certificate.enrollment_id)
    )
    if taken is not None:
        raise Conflict("a placement is recorded for this trainee's enrolment already")
    job_title = check_text(spec.job_title, field="jobTitle", max_length=200)
    if spec.starts_on < certificate.issued_on:
        raise BadInput(
            f"a job found with the certificate starts on or after its issue "
            f"({certificate.issued_on.isoformat()})",
            field="startsOn",
        )
    placement = Placement(
        enrollment_id=certificate.enrollment_id,
        programme_id=certificate.programme_id,
        operator_party_id=certificate.operator_party_id,
        host_party_id=certificate.host_party_id,
        trainee_id=certificate.trainee_id,
        certificate_id=certificate.id,
        employer_party_id=principal.party_id,
        job_title=job_title,
        contract_kind=spec.contract_kind,
        starts_on=spec.starts_on,
        recorded_by=_who(principal),
    )
    return await add_audited(session, principal, "recordPlacement", placement)


async def record_follow_up(
    session: AsyncSession,
    principal: Principal,
    *,
    enrollment: Enrollment,
    kind: FollowUpKind,
    observed_on: dt.date,
    employed: bool | None,
    note: str | None,
) -> FollowUp:
    """An observation after training; an employer's follows its own placement."""
    _require(enrollment, (EnrollmentStatus.COMPLETED,), "a follow-up")
    if observed_on > dt.datetime.now(dt.UTC).date():
        raise BadInput("a follow-up records what was seen, not what will be", field="observedOn")
    if kind is FollowUpKind.EMPLOYMENT_STATUS and employed is None:
        raise BadInput("an employment follow-up says whether the person works", field="employed")
    placement = await session.scalar(
        select(Placement).where(Placement.enrollment_id == enrollment.id)
    )
    own = placement is not None and placement.employer_party_id == principal.party_id
    follow_up = FollowUp(
        **_facts(enrollment),
        placement_id=placement.id if own and placement else None,
        employer_party_id=principal.party_id if own else None,
        author_party_id=principal.party_id,
        kind=kind,
        observed_on=observed_on,
        employed=employed,
        note=optional_text(note, field="note", max_length=4000),
        recorded_by=_who(principal),
    )
    return await add_audited(session, principal, "recordFollowUp", follow_up)
