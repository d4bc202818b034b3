"""Delivery's root fields and mutations."""

from __future__ import annotations

import datetime as dt
from typing import Any

import strawberry

from stakeholders.common.loading import fetch_page
from stakeholders.common.mutations import Facts, mutate_node, run_mutation
from stakeholders.common.relay import (
    After,
    Connection,
    First,
    expect_global_id,
    page_request,
    to_connection,
)
from stakeholders.common.resolvers import Info
from stakeholders.delivery import enrolling, service
from stakeholders.delivery import loaders as ld
from stakeholders.delivery import repository as repo
from stakeholders.delivery.enums import (
    CohortMode,
    EducationLevel,
    EmploymentStatus,
    EnrollmentStatus,
    Gender,
)
from stakeholders.delivery.importing import district_ids
from stakeholders.delivery.models import Cohort as CohortModel
from stakeholders.delivery.types import Cohort, Enrollment, Trainee
from stakeholders.errors import BadInput
from stakeholders.parties.schema import party_id_by_code
from stakeholders.programmes.loaders import ProgrammeByCodeLoader, ProgrammeByIdLoader
from stakeholders.programmes.models import Programme as ProgrammeModel
from stakeholders.programmes.service import get_for_update

__all__ = ["DeliveryMutation", "DeliveryQuery"]

RowOutcomeEnum = strawberry.enum(
    enrolling.Outcome, name="RowOutcome", description="What a row did."
)


@strawberry.input(description="A new cohort; the operator defaults to your own party.")
class CreateCohortInput:
    programme_id: strawberry.ID
    code: str
    mode: CohortMode
    starts_on: dt.date
    ends_on: dt.date
    capacity: int
    operator_code: str | None = None
    host_code: str | None = None
    district_code: str | None = None
    modules: list[str] = strawberry.field(default_factory=list)


@strawberry.input(description="One person to enrol; keyed on country and national ID.")
class TraineeInput:
    country: str
    national_id: str
    full_name: str
    gender: Gender = Gender.UNDISCLOSED
    birth_date: dt.date | None = None
    email: str | None = None
    phone: str | None = None
    education_level: EducationLevel | None = None
    employment_status: EmploymentStatus | None = None
    employer: str | None = None
    residence_district_code: str | None = None
    priority_flags: list[str] = strawberry.field(default_factory=list)


@strawberry.input(description="Enrol many people in a cohort at once.")
class EnrollTraineesInput:
    cohort_id: strawberry.ID
    trainees: list[TraineeInput]


@strawberry.input(description="The district's verdict on an application.")
class RecordEligibilityInput:
    id: strawberry.ID
    version: int
    eligible: bool
    failed_rule: str | None = None
    reason: str | None = None


@strawberry.input(description="An operator's move: admit (ENROLLED), complete, or drop.")
class UpdateEnrollmentStatusInput:
    id: strawberry.ID
    version: int
    status: EnrollmentStatus
    reason: str | None = None


@strawberry.type(description="The cohort changed.")
class CohortPayload:
    cohort: Cohort = strawberry.field(description="The cohort as now stored.")


@strawberry.type(description="What one row of an enrolment did.")
class EnrollmentResult:
    row: int = strawberry.field(description="Position of the row in the input, from 1.")
    outcome: enrolling.Outcome = strawberry.field(
        description="Created, updated, unchanged, refused."
    )
    reason: str | None = strawberry.field(description="Why the row was refused.")
    field: str | None = strawberry.field(description="The input field at fault.")
    enrollment: Enrollment | None = strawberry.field(description="The enrolment.")


@strawberry.type(description="Each row's outcome; refused rows leave nothing behind.")
class EnrollTraineesPayload:
    results: list[EnrollmentResult] = strawberry.field(description="One per input row.")


@strawberry.type(description="The enrolment changed.")
class EnrollmentPayload:
    enrollment: Enrollment = strawberry.field(description="The enrolment as now stored.")


MAX_ROWS = 1000


async def _party_id(info: Info, code: str | None, field: str) -> int | None:
    return None if code is None else await party_id_by_code(info, code, field)


async def _specs(info: Info, rows: list[TraineeInput]) -> list[enrolling.TraineeSpec]:
    if not 1 <= len(rows) <= MAX_ROWS:
        raise BadInput(f"send 1 to {MAX_ROWS} trainees at a time", field="trainees")
    codes = {r.residence_district_code for r in rows if r.residence_district_code}
    found = await district_ids(info.context.session, codes)
    for n, row in enumerate(rows, start=1):
        code = row.residence_district_code
        if code and code not in found:
            raise BadInput(
                f"row {n}: no district has the code {code!r}", field="residenceDistrictCode"
            )
    return [
        enrolling.TraineeSpec(
            country=r.country,
            national_id=r.national_id,
            full_name=r.full_name,
            gender=r.gender,
            birth_date=r.birth_date,
            email=r.email,
            phone=r.phone,
            education_level=r.education_level,
            employment_status=r.employment_status,
            employer_name=r.employer,
            residence_district_id=found.get(r.residence_district_code or ""),
            priority_flags=tuple(r.priority_flags),
        )
        for r in rows
    ]


@strawberry.type
class DeliveryQuery:
    @strawberry.field(description="Cohorts you may see, optionally of one programme.")
    async def cohorts(
        self, info: Info, first: First = None, after: After = None, programme: str | None = None
    ) -> Connection[Cohort] | None:
        request = page_request(first, after, info.context.max_page_size)
        stmt = repo.readable_cohorts(info.context.principal)
        if programme is not None:
            row = await info.context.loaders.get(ProgrammeByCodeLoader).load(programme)
            if row is None:
                raise BadInput(
                    f"no programme you may see has the code {programme!r}", field="programme"
                )
            stmt = stmt.where(repo.COHORTS.c.programme_id == row.id)
        page = await fetch_page(info.context.loaders, stmt, repo.COHORTS, request)
        return to_connection(page, Cohort.from_row)

    @strawberry.field(description="Trainees you may see.")
    async def trainees(
        self, info: Info, first: First = None, after: After = None
    ) -> Connection[Trainee] | None:
        request = page_request(first, after, info.context.max_page_size)
        stmt = repo.readable_trainees(info.context.principal)
        page = await fetch_page(info.context.loaders, stmt, repo.TRAINEES, request)
        return to_connection(page, Trainee.from_row)


@strawberry.type
class DeliveryMutation:
    @strawberry.mutation(description="Open a cohort for your party (operator or university).")
    async def create_cohort(self, info: Info, input: CreateCohortInput) -> CohortPayload | None:
        ctx = info.context
        pk = expect_global_id(input.programme_id, "Programme", field="programmeId")
        visible = await ctx.loaders.get(ProgrammeByIdLoader).load(pk)
        operator = await _party_id(
            info, input.operator_code or ctx.principal.party_code, "operatorCode"
        )
        spec = service.CohortSpec(
            code=input.code,
            operator_party_id=operator or 0,
            host_party_id=await _party_id(info, input.host_code, "hostCode"),
            district_party_id=await _party_id(info, input.district_code, "districtCode"),
            mode=input.mode,
            modules=input.modules,
            starts_on=input.starts_on,
            ends_on=input.ends_on,
            capacity=input.capacity,
        )

        async def work() -> Any:
            programme = await get_for_update(ctx.session, ProgrammeModel, pk)
            return await service.create_cohort(
                ctx.session, ctx.principal, programme=programme, spec=spec
            )

        target = Facts(party_id=operator) if visible is not None else None
        cohort = await run_mutation(ctx, "createCohort", target, work)
        return CohortPayload(cohort=Cohort.from_row(cohort))

    @strawberry.mutation(description="Enrol people in a cohort your party runs (up to 1,000).")
    async def enroll_trainees(
        self, info: Info, input: EnrollTraineesInput
    ) -> EnrollTraineesPayload | None:
        ctx = info.context
        specs = await _specs(info, input.trainees)

        async def work(pk: int) -> Any:
            cohort = await get_for_update(ctx.session, CohortModel, pk)
            programme = await get_for_update(ctx.session, ProgrammeModel, cohort.programme_id)
            return await enrolling.enroll_trainees(
                ctx.session, ctx.principal, cohort=cohort, programme=programme, specs=specs
            )

        outcomes = await mutate_node(
            ctx,
            "enrollTrainees",
            input.cohort_id,
            "Cohort",
            ld.CohortByIdLoader,
            work,
            field="cohortId",
        )
        return EnrollTraineesPayload(
            results=[
                EnrollmentResult(
                    row=o.row,
                    outcome=o.outcome,
                    reason=o.reason,
                    field=o.input_field,
                    enrollment=Enrollment.from_row(o.enrollment) if o.enrollment else None,
                )
                for o in outcomes
            ]
        )

    @strawberry.mutation(
        description="Record whether an applicant living in your district is eligible."
    )
    async def record_eligibility(
        self, info: Info, input: RecordEligibilityInput
    ) -> EnrollmentPayload | None:
        ctx = info.context
        enrollment = await mutate_node(
            ctx,
            "recordEligibility",
            input.id,
            "Enrollment",
            ld.EnrollmentByIdLoader,
            lambda pk: service.record_eligibility(
                ctx.session,
                ctx.principal,
                enrollment_id=pk,
                version=input.version,
                eligible=input.eligible,
                failed_rule=input.failed_rule,
                reason=input.reason,
            ),
        )
        return EnrollmentPayload(enrollment=Enrollment.from_row(enrollment))

    @strawberry.mutation(
        description="Admit an eligible applicant, complete a trainee, or record a drop-out."
    )
    async def update_enrollment_status(
        self, info: Info, input: UpdateEnrollmentStatusInput
    ) -> EnrollmentPayload | None:
        ctx = info.context
        enrollment = await mutate_node(
            ctx,
            "updateEnrollmentStatus",
            input.id,
            "Enrollment",
            ld.EnrollmentByIdLoader,
            lambda pk: service.update_enrollment_status(
                ctx.session,
                ctx.principal,
                enrollment_id=pk,
                version=input.version,
                status=input.status,
                reason=input.reason,
            ),
        )
        return EnrollmentPayload(enrollment=Enrollment.from_row(enrollment))
