"""GraphQL types of delivery: Cohort, Trainee, Enrollment."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING, Annotated, Any

import strawberry

from auth.policy import may
from stakeholders.common.loading import Join, RowFilter
from stakeholders.common.relay import After, Connection, First, Node, to_global_id
from stakeholders.common.resolvers import Entity, Info, one, paged, register_node
from stakeholders.delivery import loaders as ld
from stakeholders.delivery.enums import (
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

if TYPE_CHECKING:
    from stakeholders.outcomes.types import (
        Assessment,
        Attendance,
        AttendanceDay,
        Certificate,
        FollowUp,
        Placement,
    )

__all__ = ["Cohort", "Enrollment", "EnrollmentFilter", "Trainee"]

# Outcomes come after delivery in the data flow: the fields that reach them do so lazily.
OUTCOMES = "stakeholders.outcomes.types"

for _enum, _words in (
    (CohortMode, "How a cohort is taught."),
    (CohortStatus, "A cohort's life."),
    (Gender, "Gender as the trainee declares it."),
    (EducationLevel, "Highest education completed."),
    (EmploymentStatus, "Situation when applying."),
    (EnrollmentStatus, "APPLIED, then ELIGIBLE or INELIGIBLE, ENROLLED, COMPLETED or DROPPED."),
):
    strawberry.enum(_enum, description=_words)


@dataclass(frozen=True)
class EnrollmentFilter(RowFilter):
    statuses: tuple[str, ...] | None = None

    def clauses(self, table: Any) -> list[Any]:
        return [] if self.statuses is None else [table.c.status.in_(self.statuses)]

    @classmethod
    def of(cls, status: list[EnrollmentStatus] | None) -> EnrollmentFilter:
        return cls(tuple(sorted(s.value for s in status)) if status is not None else None)


def _enrollment_joins() -> tuple[Join, ...]:
    from stakeholders.outcomes.loaders import (
        CertificateByEnrollmentLoader,
        PlacementByEnrollmentLoader,
    )

    district = Join("residenceDistrict", "residence_district_id", PartyByIdLoader)
    return (
        Join("trainee", "trainee_id", ld.TraineeByIdLoader, then=(district,)),
        Join("certificate", "id", CertificateByEnrollmentLoader),
        Join("placement", "id", PlacementByEnrollmentLoader),
    )


# To-one relations of an enrolment read with the page of enrolments when the query asks.
ENROLLMENT_JOINS = _enrollment_joins()


@strawberry.type(description="What you may do to this cohort now (to enable buttons).")
class CohortActions:
    enroll_trainees: bool = strawberry.field(description="enrollTrainees")
    record_attendance: bool = strawberry.field(description="recordAttendance")


@strawberry.federation.type(keys=["id"], description="A class of a programme.")
class Cohort(Node, Entity):
    code: str = strawberry.field(description="Code, unique within the programme.")
    mode: CohortMode = strawberry.field(description="In person, online or blended.")
    modules: list[str] = strawberry.field(description="Codes of the tracks or modules taught.")
    starts_on: dt.date = strawberry.field(description="First day.")
    ends_on: dt.date = strawberry.field(description="Last day.")
    capacity: int = strawberry.field(description="Most trainees it can enrol.")
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
            status=CohortStatus(row.status),
            version=row.version,
            cohort_id=row.id,
            programme_id=row.programme_id,
            operator_party_id=row.operator_party_id,
            host_party_id=row.host_party_id,
            district_party_id=row.district_party_id,
        )

    @strawberry.field(description="The programme it belongs to.")
    def programme(self, info: Info) -> Programme | None:
        return one(info, ProgrammeByIdLoader, self.programme_id, Programme.from_row)

    @strawberry.field(description="The operator running it.")
    def operator(self, info: Info) -> Party | None:
        return one(info, PartyByIdLoader, self.operator_party_id, Party.from_row)

    @strawberry.field(description="The university hosting it, if any.")
    def host(self, info: Info) -> Party | None:
        return one(info, PartyByIdLoader, self.host_party_id, Party.from_row)

    @strawberry.field(description="The district it serves, if any.")
    def district(self, info: Info) -> Party | None:
        return one(info, PartyByIdLoader, self.district_party_id, Party.from_row)

    @strawberry.field(description="Its enrolments you may see.")
    async def enrollments(
        self,
        info: Info,
        first: First = None,
        after: After = None,
        status: list[EnrollmentStatus] | None = None,
    ) -> Connection[Enrollment]:
        return await paged(
            info,
            ld.EnrollmentsByCohortLoader,
            self.cohort_id,
            Enrollment.from_row,
            first,
            after,
            EnrollmentFilter.of(status),
            ENROLLMENT_JOINS,
        )

    @strawberry.field(description="Each session day recorded, with how many came.")
    async def attendance_days(
        self, info: Info
    ) -> list[Annotated[AttendanceDay, strawberry.lazy(OUTCOMES)]]:
        from stakeholders.outcomes.loaders import AttendanceDaysByCohortLoader
        from stakeholders.outcomes.types import AttendanceDay

        days = await info.context.loaders.get(AttendanceDaysByCohortLoader).load(self.cohort_id)
        return [AttendanceDay(day=d.day, present=d.present, absent=d.absent) for d in days]

    @strawberry.field(description="What the policy lets you do to it now.")
    def viewer_can(self, info: Info) -> CohortActions:
        principal = info.context.principal
        open_ = self.status in (CohortStatus.PLANNED, CohortStatus.OPEN, CohortStatus.RUNNING)
        return CohortActions(
            enroll_trainees=open_ and may(principal, "enrollTrainees", self),
            record_attendance=open_ and may(principal, "recordAttendance", self),
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
                "email": row.email,
                "phone": row.phone,
                "employer": row.employer_name,
            },
            via_operator=bool(getattr(row, "via_operator", False)),
            via_host=bool(getattr(row, "via_host", False)),
            via_owner=bool(getattr(row, "via_owner", False)),
            via_employer=bool(getattr(row, "via_employer", False)),
        )

    @strawberry.field(description="National identity number (unique per country).")
    def national_id(self) -> str | None:
        return self.personal["national_id"]

    @strawberry.field(description="Date of birth.")
    def birth_date(self) -> dt.date | None:
        return self.personal["birth_date"]

    @strawberry.field(description="E-mail address.")
    def email(self) -> str | None:
        return self.personal["email"]

    @strawberry.field(description="Telephone number.")
    def phone(self) -> str | None:
        return self.personal["phone"]

    @strawberry.field(description="Employer's name, for employees and civil servants.")
    def employer(self) -> str | None:
        return self.personal["employer"]

    @strawberry.field(description="The district the person lives in.")
    def residence_district(self, info: Info) -> Party | None:
        return one(info, PartyByIdLoader, self.residence_district_id, Party.from_row)

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
    record_assessment: bool = strawberry.field(description="recordAssessment")
    issue_certificate: bool = strawberry.field(description="issueCertificate")
    record_follow_up: bool = strawberry.field(description="recordFollowUp")


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

    @strawberry.field(description="The trainee, if you may see them.")
    def trainee(self, info: Info) -> Trainee | None:
        return one(info, ld.TraineeByIdLoader, self.trainee_pk, Trainee.from_row)

    @strawberry.field(description="The cohort.")
    def cohort(self, info: Info) -> Cohort | None:
        return one(info, ld.CohortByIdLoader, self.cohort_pk, Cohort.from_row)

    @strawberry.field(description="Its session days, present or absent.")
    async def attendance(
        self, info: Info, first: First = None, after: After = None
    ) -> Connection[Annotated[Attendance, strawberry.lazy(OUTCOMES)]] | None:
        from stakeholders.outcomes.loaders import AttendanceByEnrollmentLoader
        from stakeholders.outcomes.types import Attendance

        return await paged(
            info,
            AttendanceByEnrollmentLoader,
            self.enrollment_id,
            Attendance.from_row,
            first,
            after,
        )

    @strawberry.field(description="Share of its recorded session days attended (0 to 1).")
    async def attendance_rate(self, info: Info) -> float | None:
        from stakeholders.outcomes.loaders import AttendanceRateByEnrollmentLoader

        loader = info.context.loaders.get(AttendanceRateByEnrollmentLoader)
        rate: float | None = await loader.load(self.enrollment_id)
        return rate

    @strawberry.field(description="Its attempts at the test, first attempt first.")
    async def assessments(
        self, info: Info
    ) -> list[Annotated[Assessment, strawberry.lazy(OUTCOMES)]] | None:
        from stakeholders.outcomes.loaders import AssessmentsByEnrollmentLoader
        from stakeholders.outcomes.types import Assessment

        rows = await info.context.loaders.get(AssessmentsByEnrollmentLoader).load(
            self.enrollment_id
        )
        return [Assessment.from_row(r) for r in rows]

    @strawberry.field(description="Its certificate, once issued.")
    def certificate(self, info: Info) -> Annotated[Certificate, strawberry.lazy(OUTCOMES)] | None:
        from stakeholders.outcomes.loaders import CertificateByEnrollmentLoader
        from stakeholders.outcomes.types import Certificate

        return one(info, CertificateByEnrollmentLoader, self.enrollment_id, Certificate.from_row)

    @strawberry.field(description="The job the trainee took with a sponsor, once recorded.")
    def placement(self, info: Info) -> Annotated[Placement, strawberry.lazy(OUTCOMES)] | None:
        from stakeholders.outcomes.loaders import PlacementByEnrollmentLoader
        from stakeholders.outcomes.types import Placement

        return one(info, PlacementByEnrollmentLoader, self.enrollment_id, Placement.from_row)

    @strawberry.field(description="What became of the trainee after training.")
    async def follow_ups(self, info: Info) -> list[Annotated[FollowUp, strawberry.lazy(OUTCOMES)]]:
        from stakeholders.outcomes.loaders import FollowUpsByEnrollmentLoader
        from stakeholders.outcomes.types import FollowUp

        rows = await info.context.loaders.get(FollowUpsByEnrollmentLoader).load(self.enrollment_id)
        return [FollowUp.from_row(r) for r in rows]

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
        trained = status in (EnrollmentStatus.ENROLLED, EnrollmentStatus.COMPLETED)
        return EnrollmentActions(
            record_eligibility=decidable and may(principal, "recordEligibility", self),
            update_enrollment_status=moving and may(principal, "updateEnrollmentStatus", self),
            record_assessment=trained and may(principal, "recordAssessment", self),
            issue_certificate=trained and may(principal, "issueCertificate", self),
            record_follow_up=may(principal, "recordFollowUp", self),
        )


register_node("Cohort", ld.CohortByIdLoader, Cohort.from_row)
register_node("Trainee", ld.TraineeByIdLoader, Trainee.from_row)
register_node("Enrollment", ld.EnrollmentByIdLoader, Enrollment.from_row)
