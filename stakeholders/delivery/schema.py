"""Delivery's root fields and mutations."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

import strawberry

from stakeholders.common.enums import describe_enum
from stakeholders.common.loading import fetch_page
from stakeholders.common.mutations import mutate_node, signed_in
from stakeholders.common.relay import (
    After,
    Connection,
    First,
    page_request,
    to_connection,
)
from stakeholders.common.resolvers import Info
from stakeholders.common.words import VERSION
from stakeholders.declared import node_mutation
from stakeholders.delivery import enrolling, service
from stakeholders.delivery import loaders as ld
from stakeholders.delivery import repository as repo
from stakeholders.delivery.enums import (
    CohortMode,
    CohortStatus,
    EducationLevel,
    EmploymentStatus,
    EnrollmentStatus,
    Gender,
)
from stakeholders.delivery.importing import district_ids
from stakeholders.delivery.models import Cohort as CohortModel
from stakeholders.delivery.types import Cohort, Enrollment, Trainee
from stakeholders.errors import BadInput
from stakeholders.parties.schema import optional_party_id
from stakeholders.programmes.declared import programme_mutation
from stakeholders.programmes.loaders import ProgrammeByCodeLoader
from stakeholders.programmes.models import Programme as ProgrammeModel
from stakeholders.programmes.schema import ProgrammeCode
from stakeholders.writes import get_for_update

__all__ = ["DeliveryMutation", "DeliveryQuery"]

RowOutcomeEnum = describe_enum(
    enrolling.Outcome,
    "What a row did.",
    {
        "CREATED": "The person was enrolled in the cohort (their record new or reused).",
        "UPDATED": "The person was enrolled already; their record or contact changed.",
        "UNCHANGED": "The person was enrolled already, as sent; nothing was written.",
        "REJECTED": "Refused, with the reason and the field at fault; nothing was stored.",
    },
    name="RowOutcome",
)


@strawberry.input(description="A new cohort; the operator defaults to your own party.")
class CreateCohortInput:
    programme_id: strawberry.ID = strawberry.field(
        description="Global ID of the programme, ACTIVE."
    )
    code: str = strawberry.field(
        description="Code, unique in the programme: 1-40 upper-case letters, digits or inner "
        "hyphens."
    )
    mode: CohortMode = strawberry.field(description="In person, online or blended.")
    starts_on: dt.date = strawberry.field(description="First day, within the programme's period.")
    ends_on: dt.date = strawberry.field(
        description="Last day, on or after the first, within the programme's period."
    )
    capacity: int = strawberry.field(
        description="Most trainees holding a seat (APPLIED, ELIGIBLE or ENROLLED); 1-100,000."
    )
    planned_session_days: int | None = strawberry.field(
        default=None,
        description="Session days planned; defaults to every day from start to end.",
    )
    operator_code: str | None = strawberry.field(
        default=None,
        description="Code of the party running it, taking part as OPERATOR or HOST; defaults "
        "to your own party.",
    )
    host_code: str | None = strawberry.field(
        default=None, description="Code of the university hosting it, taking part as HOST."
    )
    district_code: str | None = strawberry.field(
        default=None, description="Code of the district it serves, taking part as DISTRICT."
    )
    modules: list[str] = strawberry.field(
        default_factory=list, description="Codes of the programme's tracks or modules taught."
    )


@strawberry.input(description="One person to enrol; keyed on country and national ID.")
class TraineeInput:
    country: str = strawberry.field(
        description="ISO 3166-1 alpha-2 country that issued the national ID, e.g. VN."
    )
    national_id: str = strawberry.field(
        description="National identity number, spaces ignored, checked by the country's format: "
        "CN resident ID (18 characters), VN CCCD (12 digits), MA CIN, FR NIR (15 characters); "
        "elsewhere 1-40 of A-Z, 0-9, '-' and '/'."
    )
    full_name: str = strawberry.field(
        description="Name as written in the person's language; 1-300 characters."
    )
    gender: Gender = strawberry.field(
        default=Gender.UNDISCLOSED,
        description="As the person declares it; UNDISCLOSED (the default) keeps a stored one.",
    )
    birth_date: dt.date | None = strawberry.field(
        default=None, description="Date of birth, from 1900-01-01 to today."
    )
    email: str | None = strawberry.field(
        default=None,
        description="E-mail the person gave your party; at most 320 characters. No other "
        "operator sees it.",
    )
    phone: str | None = strawberry.field(
        default=None,
        description="Phone number the person gave your party; at most 40 characters. No other "
        "operator sees it.",
    )
    education_level: EducationLevel | None = strawberry.field(
        default=None, description="Highest education completed; eligibility rules read it."
    )
    employment_status: EmploymentStatus | None = strawberry.field(
        default=None, description="Situation when applying; eligibility rules read it."
    )
    employer: str | None = strawberry.field(
        default=None, description="Name of the employer, if any; at most 300 characters."
    )
    residence_district_code: str | None = strawberry.field(
        default=None,
        description="Code of the district of residence, whose officers decide eligibility; "
        "only a party training the person changes it.",
    )
    priority_flags: list[str] = strawberry.field(
        default_factory=list,
        description="Priority audiences the person belongs to, e.g. QPV, RURAL; upper-cased.",
    )
    correction: bool = strawberry.field(
        default=False,
        description=(
            "You train this person and correct who they are (name, birth date, gender): "
            "without it a row differing from the person's record is refused."
        ),
    )


@strawberry.input(description="Enrol many people in a cohort at once.")
class EnrollTraineesInput:
    cohort_id: strawberry.ID = strawberry.field(
        description="Global ID of a cohort your party runs, neither CLOSED nor CANCELLED."
    )
    trainees: list[TraineeInput] = strawberry.field(
        description="1 to 1,000 people, each row standing alone; a person counts once per call."
    )


@strawberry.input(description="The district's verdict on an application.")
class RecordEligibilityInput:
    id: strawberry.ID = strawberry.field(
        description="Global ID of the enrolment, APPLIED, ELIGIBLE or INELIGIBLE."
    )
    version: int = strawberry.field(description=VERSION)
    eligible: bool = strawberry.field(
        description="true makes it ELIGIBLE; false INELIGIBLE, naming failedRule."
    )
    failed_rule: str | None = strawberry.field(
        default=None,
        description="The programme's criterion the person does not meet, e.g. "
        "EMPLOYMENT_STATUS; required when not eligible; at most 200 characters.",
    )
    reason: str | None = strawberry.field(
        default=None, description="The verdict explained; at most 2,000 characters."
    )


@strawberry.input(description="An operator's move: admit (ENROLLED), complete, or drop.")
class UpdateEnrollmentStatusInput:
    id: strawberry.ID = strawberry.field(description="Global ID of the enrolment.")
    version: int = strawberry.field(description=VERSION)
    status: EnrollmentStatus = strawberry.field(
        description="ENROLLED (from ELIGIBLE), COMPLETED (from ENROLLED, with enough "
        "attendance) or DROPPED (from APPLIED, ELIGIBLE or ENROLLED)."
    )
    reason: str | None = strawberry.field(
        default=None, description="Why; required for DROPPED; at most 2,000 characters."
    )


@strawberry.input(description="A cohort's next step: open, running, closed, or cancelled.")
class UpdateCohortStatusInput:
    id: strawberry.ID = strawberry.field(description="Global ID of the cohort.")
    version: int = strawberry.field(description=VERSION)
    status: CohortStatus = strawberry.field(
        description="OPEN (from PLANNED), RUNNING (from OPEN), CLOSED (from RUNNING) or "
        "CANCELLED (from PLANNED or OPEN)."
    )


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


async def _cohort_args(info: Info, data: CreateCohortInput) -> dict[str, Any]:
    code = data.operator_code or info.context.principal.party_code
    operator = await optional_party_id(info, code, "operatorCode")
    spec = service.CohortSpec(
        code=data.code,
        operator_party_id=operator or 0,
        host_party_id=await optional_party_id(info, data.host_code, "hostCode"),
        district_party_id=await optional_party_id(info, data.district_code, "districtCode"),
        mode=data.mode,
        modules=data.modules,
        starts_on=data.starts_on,
        ends_on=data.ends_on,
        capacity=data.capacity,
        planned_session_days=data.planned_session_days,
    )
    return {"spec": spec}


MAX_ROWS = 1000


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
            correction=r.correction,
        )
        for r in rows
    ]


@strawberry.type
class DeliveryQuery:
    @strawberry.field(description="Cohorts you may see, optionally of one programme.")
    async def cohorts(
        self,
        info: Info,
        first: First = None,
        after: After = None,
        programme: ProgrammeCode = None,
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
    update_cohort_status = node_mutation(
        "updateCohortStatus",
        "Move a cohort your party runs to its next status.",
        UpdateCohortStatusInput,
        "The cohort, its version and its new status.",
        service.update_cohort_status,
        CohortPayload,
    )

    create_cohort = programme_mutation(
        "createCohort",
        "Open a cohort for your party (operator or university).",
        CreateCohortInput,
        "The cohort: programme, code, mode, dates, capacity, and optionally operator, host, "
        "district, modules.",
        service.create_cohort,
        CohortPayload,
        args=_cohort_args,
        # The spec's 0 for no operator (an anonymous caller, refused anyway) is None to the policy.
        party=lambda values: values["spec"].operator_party_id or None,
    )

    @strawberry.mutation(description="Enrol people in a cohort your party runs (up to 1,000).")
    async def enroll_trainees(
        self,
        info: Info,
        input: Annotated[
            EnrollTraineesInput,
            strawberry.argument(description="The cohort and the people to enrol, 1 to 1,000 rows."),
        ],
    ) -> EnrollTraineesPayload | None:
        ctx = info.context
        signed_in(ctx, "enrollTrainees")
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

    record_eligibility = node_mutation(
        "recordEligibility",
        "Record whether an applicant living in your district is eligible.",
        RecordEligibilityInput,
        "The enrolment, its version and the district's verdict.",
        service.record_eligibility,
        EnrollmentPayload,
    )
    update_enrollment_status = node_mutation(
        "updateEnrollmentStatus",
        "Admit an eligible applicant, complete a trainee, or record a drop-out.",
        UpdateEnrollmentStatusInput,
        "The enrolment, its version, its new status and why.",
        service.update_enrollment_status,
        EnrollmentPayload,
    )
