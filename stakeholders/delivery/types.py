"""GraphQL types of delivery: Cohort, Trainee, Enrollment."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Annotated, Any

import strawberry

from auth.policy import may
from auth.principal import Principal
from stakeholders.common.enums import describe_enum
from stakeholders.common.extending import add_field
from stakeholders.common.loading import Join, RowFilter
from stakeholders.common.relay import After, Connection, First, Node, to_global_id
from stakeholders.common.resolvers import Entity, Info, paged, register_node, to_one
from stakeholders.delivery import loaders as ld
from stakeholders.delivery.enums import (
    OPEN_COHORTS,
    CohortMode,
    CohortStatus,
    EducationLevel,
    EmploymentStatus,
    EnrollmentStatus,
    Gender,
)
from stakeholders.parties.loaders import PartyByIdLoader
from stakeholders.parties.types import Party
from stakeholders.programmes.loaders import ProgrammeByIdLoader
from stakeholders.programmes.types import Programme

__all__ = [
    "ENROLLMENT_JOINS",
    "Cohort",
    "CohortActions",
    "Enrollment",
    "EnrollmentActions",
    "EnrollmentFilter",
    "Trainee",
]

describe_enum(
    CohortMode,
    "How a cohort is taught.",
    {
        "IN_PERSON": "In a classroom, e.g. at a host university.",
        "ONLINE": "Remotely, over the network.",
        "BLENDED": "Partly in person, partly online.",
    },
)
describe_enum(
    CohortStatus,
    "A cohort's life.",
    {
        "PLANNED": "Opened, not started; takes enrolments. Every new cohort starts here.",
        "OPEN": "Taking enrolments.",
        "RUNNING": "Sessions under way; still takes enrolments.",
        "CLOSED": "Finished; takes no more enrolments.",
        "CANCELLED": "Called off; takes no enrolments.",
    },
)
describe_enum(
    Gender,
    "Gender as the trainee declares it.",
    {
        "FEMALE": "Declared female.",
        "MALE": "Declared male.",
        "OTHER": "Declared neither female nor male.",
        "UNDISCLOSED": "Not declared; in an enrolment row it leaves a stored gender as it is.",
    },
)
describe_enum(
    EducationLevel,
    "Highest education completed.",
    {
        "NONE": "No schooling completed.",
        "PRIMARY": "Primary school (ISCED 1).",
        "SECONDARY": "Lower or upper secondary school (ISCED 2-3).",
        "VOCATIONAL": "A vocational or technical qualification, e.g. a college diploma.",
        "BACHELOR": "Bachelor's degree or equivalent (ISCED 6).",
        "MASTER": "Master's degree or equivalent (ISCED 7).",
        "DOCTORATE": "Doctorate (ISCED 8).",
    },
)
describe_enum(
    EmploymentStatus,
    "Situation when applying.",
    {
        "STUDENT": "In education, before the final year.",
        "FINAL_YEAR_STUDENT": "In the final year of studies.",
        "EMPLOYEE": "Employed by an enterprise.",
        "CIVIL_SERVANT": "Employed by a public body.",
        "JOB_SEEKER": "Out of work and looking for a job.",
        "SELF_EMPLOYED": "Working on one's own account.",
    },
)
describe_enum(
    EnrollmentStatus,
    "APPLIED, then ELIGIBLE or INELIGIBLE, ENROLLED, COMPLETED or DROPPED.",
    {
        "APPLIED": "Waiting for the district officers of the person's district of residence to "
        "decide eligibility; holds a seat.",
        "ELIGIBLE": "Meets the programme's rules; holds a seat until the operator admits them.",
        "INELIGIBLE": "Fails a rule, named in failedRule; holds no seat.",
        "ENROLLED": "Admitted by the operator: attends sessions, takes the test.",
        "COMPLETED": "Attended at least the programme's minimumAttendance of the planned "
        "session days.",
        "DROPPED": "Left before completing, with a reason.",
    },
)


@dataclass(frozen=True)
class EnrollmentFilter(RowFilter):
    statuses: tuple[str, ...] | None = None

    def clauses(self, table: Any) -> list[Any]:
        return [] if self.statuses is None else [table.c.status.in_(self.statuses)]

    @classmethod
    def of(cls, status: list[EnrollmentStatus] | None) -> EnrollmentFilter:
        return cls(tuple(sorted(s.value for s in status)) if status is not None else None)


# To-one relations of an enrolment read with the page of enrolments when the query asks; later
# areas add theirs (outcomes: the certificate, the placement).
ENROLLMENT_JOINS: list[Join] = [
    Join(
        "trainee",
        "trainee_id",
        ld.TraineeByIdLoader,
        then=(Join("residenceDistrict", "residence_district_id", PartyByIdLoader),),
    )
]


@strawberry.type(description="What you may do to this cohort now (to enable buttons).")
class CohortActions:
    enroll_trainees: bool = strawberry.field(description="enrollTrainees")
    update_cohort_status: bool = strawberry.field(description="updateCohortStatus")
    # Later areas add their actions' flags, computed from these.
    principal: strawberry.Private[Principal]
    target: strawberry.Private[Any]


@strawberry.federation.type(keys=["id"], description="A class of a programme.")
class Cohort(Node, Entity):
    code: str = strawberry.field(description="Code, unique within the programme.")
    mode: CohortMode = strawberry.field(description="In person, online or blended.")
    modules: list[str] = strawberry.field(description="Codes of the tracks or modules taught.")
    starts_on: dt.date = strawberry.field(description="First day.")
    ends_on: dt.date = strawberry.field(description="Last day.")
    capacity: int = strawberry.field(description="Most trainees it can enrol.")
    planned_session_days: int = strawberry.field(
        description="Session days the class plans; completion counts attendance against them."
    )
    status: CohortStatus = strawberry.field(description="Where it stands.")
    version: int = strawberry.field(description="Changes with every update; send it back.")
    cohort_id: strawberry.Private[int]
    programme_id: strawberry.Private[int]
    operator_party_id: strawberry.Private[int]
    host_party_id: strawberry.Private[int | None]
    district_party_id: strawberry.Private[int | None]

    @classmethod
    def from_row(cls, row: Any) -> Cohort:
        return cls(
            id=to_global_id("Cohort", row.id),
            code=row.code,
            mode=CohortMode(row.mode),
            modules=list(row.modules or []),
            starts_on=row.starts_on,
            ends_on=row.ends_on,
            capacity=row.capacity,
            planned_session_days=row.planned_session_days,
            status=CohortStatus(row.status),
            version=row.version,
            cohort_id=row.id,
            programme_id=row.programme_id,
            operator_party_id=row.operator_party_id,
            host_party_id=row.host_party_id,
            district_party_id=row.district_party_id,
        )

    programme = to_one(
        Programme, ProgrammeByIdLoader, "programme_id", "The programme it belongs to."
    )
    operator = to_one(Party, PartyByIdLoader, "operator_party_id", "The operator running it.")
    host = to_one(Party, PartyByIdLoader, "host_party_id", "The university hosting it, if any.")
    district = to_one(
        Party, PartyByIdLoader, "district_party_id", "The district it serves, if any."
    )

    @strawberry.field(description="Its enrolments you may see.")
    async def enrollments(
        self,
        info: Info,
        first: First = None,
        after: After = None,
        status: Annotated[
            list[EnrollmentStatus] | None,
            strawberry.argument(description="Only enrolments in one of these statuses."),
        ] = None,
    ) -> Connection[Enrollment]:
        return await paged(
            info,
            ld.EnrollmentsByCohortLoader,
            self.cohort_id,
            Enrollment.from_row,
            first,
            after,
            EnrollmentFilter.of(status),
            tuple(ENROLLMENT_JOINS),
        )

    @strawberry.field(description="What the policy lets you do to it now.")
    def viewer_can(self, info: Info) -> CohortActions:
        principal = info.context.principal
        open_ = self.status in OPEN_COHORTS
        return CohortActions(
            enroll_trainees=open_ and may(principal, "enrollTrainees", self),
            update_cohort_status=open_ and may(principal, "updateCohortStatus", self),
            principal=principal,
            target=self,
        )


@strawberry.federation.type(keys=["id"], description="A person in training.")
class Trainee(Node, Entity):
    full_name: str = strawberry.field(description="Name as written in the person's language.")
    country: str = strawberry.field(description="ISO 3166-1 alpha-2 country of the ID.")
    gender: Gender = strawberry.field(description="As declared.")
    education_level: EducationLevel | None = strawberry.field(description="Highest completed.")
    employment_status: EmploymentStatus | None = strawberry.field(description="When applying.")
    priority_flags: list[str] = strawberry.field(
        description="Priority audiences the person belongs to (QPV, RURAL, ...)."
    )
    version: int = strawberry.field(description="Changes with every update; send it back.")
    trainee_id: strawberry.Private[int]
    residence_district_id: strawberry.Private[int | None]
    personal: strawberry.Private[dict[str, Any]]
    via_operator: strawberry.Private[bool]
    via_host: strawberry.Private[bool]
    via_owner: strawberry.Private[bool]
    via_employer: strawberry.Private[bool]
    via_coordinator: strawberry.Private[bool]
    via_evaluator: strawberry.Private[bool]
    via_supervised: strawberry.Private[bool]

    @classmethod
    def from_row(cls, row: Any) -> Trainee:
        return cls(
            id=to_global_id("Trainee", row.id),
            full_name=row.full_name,
            country=row.country,
            gender=Gender(row.gender),
            education_level=EducationLevel(row.education_level) if row.education_level else None,
            employment_status=EmploymentStatus(row.employment_status)
            if row.employment_status
            else None,
            priority_flags=list(row.priority_flags or []),
            version=row.version,
            trainee_id=row.id,
            residence_district_id=row.residence_district_id,
            personal={
                "national_id": row.national_id,
                "birth_date": row.birth_date,
                "employer": row.employer_name,
            },
            via_operator=bool(getattr(row, "via_operator", False)),
            via_host=bool(getattr(row, "via_host", False)),
            via_owner=bool(getattr(row, "via_owner", False)),
            via_employer=bool(getattr(row, "via_employer", False)),
            via_coordinator=bool(getattr(row, "via_coordinator", False)),
            via_evaluator=bool(getattr(row, "via_evaluator", False)),
            via_supervised=bool(getattr(row, "via_supervised", False)),
        )

    async def _contact(self, info: Info) -> Any:
        """The contact the person gave the caller's party, else (for those who may read any)
        the latest one given."""
        rows = await info.context.loaders.get(ld.ContactsByTraineeLoader).load(self.trainee_id)
        subtree = info.context.principal.subtree
        own = [r for r in rows if r.party_id in subtree]
        return max(own or rows, key=lambda r: (r.updated_at, r.id), default=None)

    @strawberry.field(description="National identity number (unique per country).")
    def national_id(self) -> str | None:
        return self.personal["national_id"]

    @strawberry.field(description="Date of birth.")
    def birth_date(self) -> dt.date | None:
        return self.personal["birth_date"]

    @strawberry.field(description="E-mail address the person gave your party.")
    async def email(self, info: Info) -> str | None:
        contact = await self._contact(info)
        return contact.email if contact else None

    @strawberry.field(description="Telephone number the person gave your party.")
    async def phone(self, info: Info) -> str | None:
        contact = await self._contact(info)
        return contact.phone if contact else None

    @strawberry.field(description="Employer's name, for employees and civil servants.")
    def employer(self) -> str | None:
        return self.personal["employer"]

    residence_district = to_one(
        Party, PartyByIdLoader, "residence_district_id", "The district the person lives in."
    )

    @strawberry.field(description="The person's enrolments you may see.")
    async def enrollments(
        self, info: Info, first: First = None, after: After = None
    ) -> Connection[Enrollment]:
        return await paged(
            info,
            ld.EnrollmentsByTraineeLoader,
            self.trainee_id,
            Enrollment.from_row,
            first,
            after,
            joins=(Join("cohort", "cohort_id", ld.CohortByIdLoader),),
        )


@strawberry.type(description="What you may do to this enrolment now (to enable buttons).")
class EnrollmentActions:
    record_eligibility: bool = strawberry.field(description="recordEligibility")
    update_enrollment_status: bool = strawberry.field(description="updateEnrollmentStatus")
    # Later areas add their actions' flags, computed from these.
    principal: strawberry.Private[Principal]
    target: strawberry.Private[Any]


@strawberry.federation.type(keys=["id"], description="A trainee in a cohort.")
class Enrollment(Node, Entity):
    status: EnrollmentStatus = strawberry.field(description="Where it stands.")
    failed_rule: str | None = strawberry.field(
        description="The eligibility rule the trainee did not meet, when INELIGIBLE."
    )
    reason: str | None = strawberry.field(description="Why it was decided or dropped.")
    decided_at: dt.datetime | None = strawberry.field(description="When eligibility was decided.")
    created_at: dt.datetime = strawberry.field(description="When the person applied (UTC).")
    version: int = strawberry.field(description="Changes with every update; send it back.")
    enrollment_id: strawberry.Private[int]
    trainee_pk: strawberry.Private[int]
    cohort_pk: strawberry.Private[int]
    programme_id: strawberry.Private[int]
    operator_party_id: strawberry.Private[int]
    host_party_id: strawberry.Private[int | None]
    via_resident: strawberry.Private[bool]
    via_employer: strawberry.Private[bool]

    @classmethod
    def from_row(cls, row: Any) -> Enrollment:
        return cls(
            id=to_global_id("Enrollment", row.id),
            status=EnrollmentStatus(row.status),
            failed_rule=row.failed_rule,
            reason=row.reason,
            decided_at=row.decided_at,
            created_at=row.created_at,
            version=row.version,
            enrollment_id=row.id,
            trainee_pk=row.trainee_id,
            cohort_pk=row.cohort_id,
            programme_id=row.programme_id,
            operator_party_id=row.operator_party_id,
            host_party_id=row.host_party_id,
            via_resident=bool(getattr(row, "via_resident", False)),
            via_employer=bool(getattr(row, "via_employer", False)),
        )

    trainee = to_one(
        Trainee, ld.TraineeByIdLoader, "trainee_pk", "The trainee, if you may see them."
    )
    cohort = to_one(Cohort, ld.CohortByIdLoader, "cohort_pk", "The cohort.")

    @strawberry.field(description="What the policy lets you do to it now.")
    def viewer_can(self, info: Info) -> EnrollmentActions:
        principal = info.context.principal
        status = self.status
        decidable = status in (EnrollmentStatus.APPLIED, EnrollmentStatus.INELIGIBLE)
        moving = status in (
            EnrollmentStatus.APPLIED,
            EnrollmentStatus.ELIGIBLE,
            EnrollmentStatus.ENROLLED,
        )
        return EnrollmentActions(
            record_eligibility=decidable and may(principal, "recordEligibility", self),
            update_enrollment_status=moving and may(principal, "updateEnrollmentStatus", self),
            principal=principal,
            target=self,
        )


async def programme_cohorts(
    root: Programme, info: Info, first: First = None, after: After = None
) -> Connection[Cohort]:
    return await paged(
        info, ld.CohortsByProgrammeLoader, root.programme_id, Cohort.from_row, first, after
    )


# Delivery comes after programmes in the data flow: it adds the programme's cohorts itself.
add_field(Programme, "cohorts", programme_cohorts, description="Its cohorts (classes) you may see.")

register_node("Cohort", ld.CohortByIdLoader, Cohort.from_row)
register_node("Trainee", ld.TraineeByIdLoader, Trainee.from_row)
register_node("Enrollment", ld.EnrollmentByIdLoader, Enrollment.from_row)
