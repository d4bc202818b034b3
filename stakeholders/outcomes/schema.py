"""Outcomes' root field and mutations: each step recorded by the party that owns it."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, TypeVar

import strawberry

from stakeholders.common.mutations import Facts, mutate_node, run_mutation
from stakeholders.common.relay import expect_global_id
from stakeholders.common.resolvers import Info, one
from stakeholders.declared import node_mutation
from stakeholders.delivery.loaders import CohortByIdLoader
from stakeholders.delivery.models import Cohort as CohortModel
from stakeholders.delivery.models import Enrollment as EnrollmentModel
from stakeholders.delivery.types import Cohort
from stakeholders.errors import BadInput
from stakeholders.outcomes import (
    delivery_fields,  # noqa: F401 - adds outcomes to delivery
    service,
)
from stakeholders.outcomes import loaders as ld
from stakeholders.outcomes.enums import ContractKind, FollowUpKind
from stakeholders.outcomes.types import Assessment, Certificate, FollowUp, Placement
from stakeholders.writes import get_for_update

__all__ = ["OutcomeMutation", "OutcomeQuery"]

T = TypeVar("T")

MAX_MARKS = 1000


@strawberry.input(description="Who came on one session day of a cohort.")
class RecordAttendanceInput:
    cohort_id: strawberry.ID = strawberry.field(description="Global ID of the cohort.")
    day: dt.date = strawberry.field(
        description="The session day, within the cohort's period and not after today (UTC). "
        "Sending a day again corrects it."
    )
    present: list[strawberry.ID] = strawberry.field(
        default_factory=list,
        description="Global IDs of the cohort's ENROLLED enrolments present that day.",
    )
    absent: list[strawberry.ID] = strawberry.field(
        default_factory=list,
        description="Global IDs of those absent. Each enrolment once, present or absent; at "
        "most 1,000 in all.",
    )


@strawberry.input(description="A test taken by an enrolled trainee; the attempt is counted.")
class RecordAssessmentInput:
    enrollment_id: strawberry.ID = strawberry.field(
        description="Global ID of the enrolment, ENROLLED or COMPLETED, not passed yet."
    )
    taken_on: dt.date = strawberry.field(
        description="Day the test was taken; not after today, nor before the previous attempt."
    )
    score: int = strawberry.field(
        description="Score out of 100 (0-100); passes at the programme's passMark."
    )


@strawberry.input(description="Issue the certificate of a trainee who passed.")
class IssueCertificateInput:
    enrollment_id: strawberry.ID = strawberry.field(
        description="Global ID of the enrolment, ENROLLED or COMPLETED, with a passed test; "
        "one certificate per enrolment."
    )
    level: str = strawberry.field(
        description="What it certifies, as printed on it; 1-120 characters."
    )


@strawberry.input(description="Your party hired the holder of a certificate.")
class RecordPlacementInput:
    certificate_number: str = strawberry.field(
        description="The number on the certificate the graduate showed you."
    )
    holder_birth_date: dt.date = strawberry.field(
        description="The graduate's date of birth, as on the identity document shown with it."
    )
    job_title: str = strawberry.field(description="Job title; 1-200 characters.")
    contract_kind: ContractKind = strawberry.field(description="Kind of employment contract.")
    starts_on: dt.date = strawberry.field(
        description="First day of the job; on or after the certificate's issue."
    )


@strawberry.input(description="What became of a trainee after training.")
class RecordFollowUpInput:
    enrollment_id: strawberry.ID = strawberry.field(
        description="Global ID of the enrolment, COMPLETED."
    )
    kind: FollowUpKind = strawberry.field(description="Employment status or performance review.")
    observed_on: dt.date = strawberry.field(
        description="Day of the observation; not after today (UTC)."
    )
    employed: bool | None = strawberry.field(
        default=None, description="Whether the person works; required for EMPLOYMENT_STATUS."
    )
    note: str | None = strawberry.field(
        default=None,
        description="What was observed, at most 4,000 characters; only your party and the "
        "programme's owner read it.",
    )


@strawberry.type(description="The day was recorded.")
class AttendancePayload:
    cohort: Cohort = strawberry.field(description="The cohort.")
    changed: int = strawberry.field(description="Marks stored or corrected (repeats are not).")


@strawberry.type(description="The attempt was recorded.")
class AssessmentPayload:
    assessment: Assessment = strawberry.field(description="The attempt as stored.")


@strawberry.type(description="The certificate was issued.")
class CertificatePayload:
    certificate: Certificate = strawberry.field(description="The certificate as stored.")


@strawberry.type(description="The hire was recorded.")
class PlacementPayload:
    placement: Placement = strawberry.field(description="The placement as stored.")


@strawberry.type(description="The follow-up was recorded.")
class FollowUpPayload:
    follow_up: FollowUp = strawberry.field(description="The follow-up as stored.")


def _marks(data: RecordAttendanceInput) -> list[service.AttendanceMark]:
    if len(data.present) + len(data.absent) > MAX_MARKS:
        raise BadInput(f"send at most {MAX_MARKS} marks at a time", field="present")
    return [
        service.AttendanceMark(expect_global_id(i, "Enrollment", field=name), here)
        for name, ids, here in (("present", data.present, True), ("absent", data.absent, False))
        for i in ids
    ]


# The outcomes of a trainee are recorded on its enrolment, locked while the rules check it.
ON_ENROLLMENT: dict[str, Any] = {
    "node": "Enrollment",
    "id_field": "enrollment_id",
    "lock": EnrollmentModel,
}


@strawberry.type
class OutcomeQuery:
    @strawberry.field(description="A certificate by its number, if you may see it.")
    def certificate(
        self,
        info: Info,
        number: Annotated[
            str,
            strawberry.argument(
                description="Number as printed, <PROGRAMME>-<year>-<seq>: "
                "CQ-DIGITAL-ENGINEERS-2025-000001."
            ),
        ],
    ) -> Certificate | None:
        return one(info, ld.CertificateByNumberLoader, number.strip(), Certificate.from_row)


@strawberry.type
class OutcomeMutation:
    @strawberry.mutation(description="Record who came on a session day of your cohort.")
    async def record_attendance(
        self,
        info: Info,
        input: Annotated[
            RecordAttendanceInput,
            strawberry.argument(
                description="The cohort, the session day, and who was present or absent."
            ),
        ],
    ) -> AttendancePayload | None:
        ctx = info.context
        marks = _marks(input)

        async def work(pk: int) -> tuple[Any, int]:
            cohort = await get_for_update(ctx.session, CohortModel, pk)
            changed = await service.record_attendance(
                ctx.session, ctx.principal, cohort=cohort, day=input.day, marks=marks
            )
            return cohort, len(changed)

        cohort, changed = await mutate_node(
            ctx,
            "recordAttendance",
            input.cohort_id,
            "Cohort",
            CohortByIdLoader,
            work,
            field="cohortId",
        )
        return AttendancePayload(cohort=Cohort.from_row(cohort), changed=changed)

    record_assessment = node_mutation(
        "recordAssessment",
        "Record a test taken by a trainee of your cohort.",
        RecordAssessmentInput,
        "The enrolment, the day of the test and the score.",
        service.record_assessment,
        AssessmentPayload,
        **ON_ENROLLMENT,
    )
    issue_certificate = node_mutation(
        "issueCertificate",
        "Issue the certificate of a trainee of yours who passed.",
        IssueCertificateInput,
        "The enrolment that passed and what its certificate certifies.",
        service.issue_certificate,
        CertificatePayload,
        **ON_ENROLLMENT,
    )

    @strawberry.mutation(description="Record that your party hired the holder of a certificate.")
    async def record_placement(
        self,
        info: Info,
        input: Annotated[
            RecordPlacementInput,
            strawberry.argument(
                description="The certificate shown (number, holder's date of birth) and the job."
            ),
        ],
    ) -> PlacementPayload | None:
        ctx = info.context
        spec = service.PlacementSpec(input.job_title, input.contract_kind, input.starts_on)
        found = await service.shown_certificate(
            ctx.session, input.certificate_number, input.holder_birth_date
        )
        # A number from another programme is as unknown to the caller as a wrong one.
        mine = found is not None and found.programme_id in ctx.principal.programmes
        target = Facts(programme_id=found.programme_id) if mine and found else None

        async def work() -> Any:
            assert found is not None
            return await service.record_placement(
                ctx.session, ctx.principal, certificate=found, spec=spec
            )

        placement = await run_mutation(
            ctx,
            "recordPlacement",
            target,
            work,
            missing="no certificate has this number and holder's date of birth",
        )
        return PlacementPayload(placement=Placement.from_row(placement))

    record_follow_up = node_mutation(
        "recordFollowUp",
        "Record what became of a trainee after training.",
        RecordFollowUpInput,
        "The enrolment, the kind of follow-up and what was observed.",
        service.record_follow_up,
        FollowUpPayload,
        **ON_ENROLLMENT,
    )
