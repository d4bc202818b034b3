"""Rules of delivery: cohorts, eligibility, an enrolment's life. Services flush, never commit."""

from __future__ import annotations

import datetime as dt
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from auth.principal import Principal
from stakeholders.audit.service import snapshot
from stakeholders.db import utcnow
from stakeholders.delivery.enums import CohortMode, CohortStatus, EnrollmentStatus
from stakeholders.delivery.events import EnrollmentCompleted
from stakeholders.delivery.models import Cohort, Enrollment
from stakeholders.errors import BadInput, Conflict
from stakeholders.events import raise_event
from stakeholders.programmes.enums import ParticipantRole
from stakeholders.programmes.models import Programme
from stakeholders.programmes.service import participant_roles
from stakeholders.validation import check_code, check_text, optional_text
from stakeholders.writes import add_audited, audited, check_version, get_for_update

__all__ = [
    "COMPLETION_CHECKS",
    "CohortSpec",
    "CompletionCheck",
    "create_cohort",
    "record_eligibility",
    "update_cohort_status",
    "update_enrollment_status",
]


@dataclass(frozen=True)
class CohortSpec:
    code: str
    operator_party_id: int
    host_party_id: int | None
    district_party_id: int | None
    mode: CohortMode
    modules: Sequence[str]
    starts_on: dt.date
    ends_on: dt.date
    capacity: int
    planned_session_days: int | None = None


async def _check_party(
    session: AsyncSession, programme: Programme, party_id: int | None, roles: set[str], name: str
) -> None:
    if party_id is None:
        return
    if not roles & await participant_roles(session, programme.id, party_id):
        wanted = " or ".join(sorted(roles))
        raise BadInput(f"{name} must take part in the programme as {wanted}", field=name)


def _period_days(spec: CohortSpec) -> int:
    return (spec.ends_on - spec.starts_on).days + 1


def _check_cohort_values(programme: Programme, spec: CohortSpec) -> None:
    if spec.ends_on < spec.starts_on:
        raise BadInput("a cohort must not end before it starts", field="endsOn")
    ends = programme.ends_on or dt.date.max
    if spec.starts_on < programme.starts_on or spec.ends_on > ends:
        raise BadInput("a cohort must run within the programme's period", field="startsOn")
    if not 1 <= spec.capacity <= 100_000:
        raise BadInput("capacity must be between 1 and 100,000", field="capacity")
    days = _period_days(spec)
    if spec.planned_session_days is not None and not 1 <= spec.planned_session_days <= days:
        raise BadInput(
            f"plannedSessionDays must be between 1 and the {days} days of the cohort's period",
            field="plannedSessionDays",
        )
    tracks = {t["code"] for t in programme.tracks or []}
    unknown = sorted(set(spec.modules) - tracks)
    if unknown:
        raise BadInput(f"unknown modules of this programme: {', '.join(unknown)}", field="modules")


async def create_cohort(
    session: AsyncSession, principal: Principal, *, programme: Programme, spec: CohortSpec
) -> Cohort:
    """A PLANNED cohort run by an operator (or a university) taking part in the programme."""
    code = check_code(spec.code, field="code")
    _check_cohort_values(programme, spec)
    trainers = {ParticipantRole.OPERATOR.value, ParticipantRole.HOST.value}
    await _check_party(session, programme, spec.operator_party_id, trainers, "operatorCode")
    await _check_party(
        session, programme, spec.host_party_id, {ParticipantRole.HOST.value}, "hostCode"
    )
    await _check_party(
        session, programme, spec.district_party_id, {ParticipantRole.DISTRICT.value}, "districtCode"
    )
    taken = await session.scalar(
        select(Cohort.id).where(Cohort.programme_id == programme.id, Cohort.code == code)
    )
    if taken:
        raise Conflict(f"the programme has a cohort {code} already")
    cohort = Cohort(
        programme_id=programme.id,
        code=code,
        operator_party_id=spec.operator_party_id,
        host_party_id=spec.host_party_id,
        district_party_id=spec.district_party_id,
        mode=spec.mode,
        modules=list(spec.modules),
        starts_on=spec.starts_on,
        ends_on=spec.ends_on,
        capacity=spec.capacity,
        planned_session_days=spec.planned_session_days or _period_days(spec),
        status=CohortStatus.PLANNED,
    )
    return await add_audited(session, principal, "createCohort", cohort)


async def record_eligibility(
    session: AsyncSession,
    principal: Principal,
    *,
    enrollment_id: int,
    version: int,
    eligible: bool,
    failed_rule: str | None,
    reason: str | None,
) -> Enrollment:
    """The district's verdict on an application (it may revise one before enrolment)."""
    enrollment = await get_for_update(session, Enrollment, enrollment_id)
    check_version(enrollment, version)
    undecided = (EnrollmentStatus.APPLIED, EnrollmentStatus.ELIGIBLE, EnrollmentStatus.INELIGIBLE)
    if enrollment.status not in undecided:
        raise Conflict(f"an {enrollment.status} enrolment is past eligibility")
    if not eligible and not (failed_rule and failed_rule.strip()):
        raise BadInput("name the rule the trainee does not meet", field="failedRule")
    before = snapshot(enrollment)
    enrollment.status = EnrollmentStatus.ELIGIBLE if eligible else EnrollmentStatus.INELIGIBLE
    enrollment.failed_rule = (
        None if eligible else check_text(failed_rule or "", field="failedRule", max_length=200)
    )
    enrollment.reason = optional_text(reason, field="reason", max_length=2000)
    enrollment.decided_by, enrollment.decided_at = principal.sub, utcnow()
    await audited(session, principal, "recordEligibility", enrollment, before)
    return enrollment


# The moves an operator makes; eligibility is the district's (record_eligibility).
MOVES: dict[EnrollmentStatus, tuple[EnrollmentStatus, ...]] = {
    EnrollmentStatus.ENROLLED: (EnrollmentStatus.ELIGIBLE,),
    EnrollmentStatus.COMPLETED: (EnrollmentStatus.ENROLLED,),
    EnrollmentStatus.DROPPED: (
        EnrollmentStatus.APPLIED,
        EnrollmentStatus.ELIGIBLE,
        EnrollmentStatus.ENROLLED,
    ),
}


# A cohort moves forward only; a class that never ran is cancelled, not closed.
COHORT_MOVES: dict[CohortStatus, tuple[CohortStatus, ...]] = {
    CohortStatus.OPEN: (CohortStatus.PLANNED,),
    CohortStatus.RUNNING: (CohortStatus.OPEN,),
    CohortStatus.CLOSED: (CohortStatus.RUNNING,),
    CohortStatus.CANCELLED: (CohortStatus.PLANNED, CohortStatus.OPEN),
}


async def update_cohort_status(
    session: AsyncSession,
    principal: Principal,
    *,
    cohort_id: int,
    version: int,
    status: CohortStatus,
) -> Cohort:
    """Open a cohort for enrolment, start it, close it once taught, or cancel it."""
    cohort = await get_for_update(session, Cohort, cohort_id)
    check_version(cohort, version)
    sources = COHORT_MOVES.get(status)
    if sources is None:
        raise BadInput(f"a cohort does not become {status}", field="status")
    if cohort.status not in sources:
        raise Conflict(f"a {cohort.status} cohort cannot become {status}")
    before = snapshot(cohort)
    cohort.status = status
    await audited(session, principal, "updateCohortStatus", cohort, before)
    return cohort


# What completing an enrolment needs beyond its status, added by the areas that know it
# (outcomes: attendance over the cohort's planned session days); each raises CONFLICT.
CompletionCheck = Callable[[AsyncSession, Enrollment, Cohort, Programme], Awaitable[None]]
COMPLETION_CHECKS: list[CompletionCheck] = []


async def _check_completion(session: AsyncSession, enrollment: Enrollment) -> None:
    programme = await get_for_update(session, Programme, enrollment.programme_id)
    cohort = await session.get(Cohort, enrollment.cohort_id)
    assert cohort is not None, "an enrolment's cohort exists (foreign key)"
    for check in COMPLETION_CHECKS:
        await check(session, enrollment, cohort, programme)


async def update_enrollment_status(
    session: AsyncSession,
    principal: Principal,
    *,
    enrollment_id: int,
    version: int,
    status: EnrollmentStatus,
    reason: str | None,
) -> Enrollment:
    """Admit an eligible applicant, complete a trainee who attended enough, or record a drop."""
    enrollment = await get_for_update(session, Enrollment, enrollment_id)
    check_version(enrollment, version)
    sources = MOVES.get(status)
    if sources is None:
        raise BadInput(f"an operator does not set {status}", field="status")
    if enrollment.status not in sources:
        raise Conflict(f"an {enrollment.status} enrolment cannot become {status}")
    reason = optional_text(reason, field="reason", max_length=2000)
    if status is EnrollmentStatus.DROPPED and reason is None:
        raise BadInput("say why the trainee dropped out", field="reason")
    if status is EnrollmentStatus.COMPLETED:
        await _check_completion(session, enrollment)
    before = snapshot(enrollment)
    enrollment.status = status
    if reason is not None:
        enrollment.reason = reason
    await audited(session, principal, "updateEnrollmentStatus", enrollment, before)
    if status is EnrollmentStatus.COMPLETED:
        await raise_event(session, principal, EnrollmentCompleted(enrollment))
    return enrollment
