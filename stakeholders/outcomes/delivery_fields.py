"""What outcomes adds to delivery's types: an enrolment's attendance, tests, certificate, hire
and follow-ups, a cohort's session days, and the buttons for outcomes' own actions.

Delivery comes first in the data flow and never imports outcomes; these fields are spliced
into its types when this module loads (stakeholders.common.extending), before the schema is
built.
"""

from __future__ import annotations

from auth.policy import may
from stakeholders.common.extending import add_field
from stakeholders.common.loading import Join
from stakeholders.common.relay import After, Connection, First
from stakeholders.common.resolvers import Info, one, paged
from stakeholders.delivery.enums import OPEN_COHORTS
from stakeholders.delivery.types import (
    ENROLLMENT_JOINS,
    Cohort,
    CohortActions,
    Enrollment,
    EnrollmentActions,
)
from stakeholders.outcomes import loaders as ld
from stakeholders.outcomes.service import TRAINED
from stakeholders.outcomes.types import (
    Assessment,
    Attendance,
    AttendanceDay,
    Certificate,
    FollowUp,
    Placement,
)

__all__: list[str] = []


async def attendance_days(root: Cohort, info: Info) -> list[AttendanceDay]:
    days = await info.context.loaders.get(ld.AttendanceDaysByCohortLoader).load(root.cohort_id)
    return [AttendanceDay(day=d.day, present=d.present, absent=d.absent) for d in days]


async def attendance(
    root: Enrollment, info: Info, first: First = None, after: After = None
) -> Connection[Attendance] | None:
    return await paged(
        info, ld.AttendanceByEnrollmentLoader, root.enrollment_id, Attendance.from_row, first, after
    )


async def attendance_rate(root: Enrollment, info: Info) -> float | None:
    loader = info.context.loaders.get(ld.AttendanceRateByEnrollmentLoader)
    rate: float | None = await loader.load(root.enrollment_id)
    return rate


async def assessments(root: Enrollment, info: Info) -> list[Assessment] | None:
    loader = info.context.loaders.get(ld.AssessmentsByEnrollmentLoader)
    return [Assessment.from_row(r) for r in await loader.load(root.enrollment_id)]


def certificate(root: Enrollment, info: Info) -> Certificate | None:
    return one(info, ld.CertificateByEnrollmentLoader, root.enrollment_id, Certificate.from_row)


def placement(root: Enrollment, info: Info) -> Placement | None:
    return one(info, ld.PlacementByEnrollmentLoader, root.enrollment_id, Placement.from_row)


async def follow_ups(root: Enrollment, info: Info) -> list[FollowUp]:
    rows = await info.context.loaders.get(ld.FollowUpsByEnrollmentLoader).load(root.enrollment_id)
    return [FollowUp.from_row(r) for r in rows]


def record_attendance(root: CohortActions) -> bool:
    return root.target.status in OPEN_COHORTS and may(
        root.principal, "recordAttendance", root.target
    )


def record_assessment(root: EnrollmentActions) -> bool:
    target = root.target
    return target.status in TRAINED and may(root.principal, "recordAssessment", target)


def issue_certificate(root: EnrollmentActions) -> bool:
    target = root.target
    return target.status in TRAINED and may(root.principal, "issueCertificate", target)


def record_follow_up(root: EnrollmentActions) -> bool:
    return may(root.principal, "recordFollowUp", root.target)


add_field(
    Cohort,
    "attendance_days",
    attendance_days,
    description="Each session day recorded, with how many came.",
)
add_field(Enrollment, "attendance", attendance, description="Its session days, present or absent.")
add_field(
    Enrollment,
    "attendance_rate",
    attendance_rate,
    description="Share of its recorded session days attended (0 to 1).",
)
add_field(
    Enrollment,
    "assessments",
    assessments,
    description="Its attempts at the test, first attempt first.",
)
add_field(Enrollment, "certificate", certificate, description="Its certificate, once issued.")
add_field(
    Enrollment,
    "placement",
    placement,
    description="The job the trainee took with a sponsor, once recorded.",
)
add_field(
    Enrollment, "follow_ups", follow_ups, description="What became of the trainee after training."
)
add_field(CohortActions, "record_attendance", record_attendance, description="recordAttendance")
add_field(EnrollmentActions, "record_assessment", record_assessment, description="recordAssessment")
add_field(EnrollmentActions, "issue_certificate", issue_certificate, description="issueCertificate")
add_field(EnrollmentActions, "record_follow_up", record_follow_up, description="recordFollowUp")

# The certificate and the placement are read with their page of enrolments.
ENROLLMENT_JOINS.extend(
    [
        Join("certificate", "id", ld.CertificateByEnrollmentLoader),
        Join("placement", "id", ld.PlacementByEnrollmentLoader),
    ]
)
