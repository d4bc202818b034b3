"""GraphQL types of outcomes: Attendance, Assessment, Certificate, Placement, FollowUp."""

from __future__ import annotations

import datetime as dt
from typing import Any

import strawberry

from stakeholders.common.enums import describe_enum
from stakeholders.common.relay import Node, to_global_id
from stakeholders.common.resolvers import Entity, register_node, to_one
from stakeholders.delivery.loaders import EnrollmentByIdLoader, TraineeByIdLoader
from stakeholders.delivery.types import Enrollment, Trainee
from stakeholders.outcomes import loaders as ld
from stakeholders.outcomes.enums import ContractKind, FollowUpKind
from stakeholders.parties.loaders import PartyByIdLoader
from stakeholders.parties.types import Party
from stakeholders.programmes.loaders import ProgrammeByIdLoader
from stakeholders.programmes.types import Programme

__all__ = ["Assessment", "Attendance", "AttendanceDay", "Certificate", "FollowUp", "Placement"]

describe_enum(
    ContractKind,
    "The kind of job contract.",
    {
        "PERMANENT": "Open-ended employment (a CDI in France).",
        "FIXED_TERM": "Employment for a fixed term (a CDD in France).",
        "APPRENTICESHIP": "Work alternating with training, under an apprenticeship contract.",
        "INTERNSHIP": "An internship.",
        "CIVIL_SERVICE": "An appointment in the civil service.",
    },
)
describe_enum(
    FollowUpKind,
    "Employment status after training, or performance at work.",
    {
        "EMPLOYMENT_STATUS": "Whether the person works, some months after training (JobInTech, "
        "GEN); employed is required.",
        "PERFORMANCE_REVIEW": "How a civil servant applies the training at work (Binh Dinh's "
        "evaluation after training).",
    },
)


@strawberry.type(name="OutcomeBase")  # never in the schema: its subclasses are
class _OfEnrollment(Node, Entity):
    """The facts every outcome row carries for the policy, and its enrolment."""

    enrollment_pk: strawberry.Private[int]
    programme_id: strawberry.Private[int]
    operator_party_id: strawberry.Private[int]
    host_party_id: strawberry.Private[int | None]

    @staticmethod
    def facts(row: Any) -> dict[str, Any]:
        return {
            "enrollment_pk": row.enrollment_id,
            "programme_id": row.programme_id,
            "operator_party_id": row.operator_party_id,
            "host_party_id": row.host_party_id,
        }

    enrollment = to_one(
        Enrollment,
        EnrollmentByIdLoader,
        "enrollment_pk",
        "The enrolment it belongs to, if you may see it.",
    )


@strawberry.type(description="One session day of a cohort: how many came.")
class AttendanceDay:
    day: dt.date = strawberry.field(description="The session day.")
    present: int = strawberry.field(description="Trainees recorded present.")
    absent: int = strawberry.field(description="Trainees recorded absent.")


@strawberry.federation.type(keys=["id"], description="A trainee's presence on one session day.")
class Attendance(_OfEnrollment):
    day: dt.date = strawberry.field(description="The session day.")
    present: bool = strawberry.field(description="Whether the trainee attended.")
    recorded_at: dt.datetime = strawberry.field(description="When it was recorded (UTC).")

    @classmethod
    def from_row(cls, row: Any) -> Attendance:
        return cls(
            id=to_global_id("Attendance", row.id),
            day=row.session_on,
            present=row.present,
            recorded_at=row.recorded_at,
            **cls.facts(row),
        )


@strawberry.federation.type(keys=["id"], description="One attempt at the programme's test.")
class Assessment(_OfEnrollment):
    taken_on: dt.date = strawberry.field(description="Day of the test.")
    attempt: int = strawberry.field(
        description="1 for the first attempt (the one subsidies count), then 2, 3, ..."
    )
    score: int = strawberry.field(description="Score out of 100.")
    pass_mark: int = strawberry.field(description="The programme's pass mark when it was taken.")
    passed: bool = strawberry.field(description="Whether the score reached the pass mark.")
    recorded_at: dt.datetime = strawberry.field(description="When it was recorded (UTC).")
    evaluator_party_id: strawberry.Private[int]

    @classmethod
    def from_row(cls, row: Any) -> Assessment:
        return cls(
            id=to_global_id("Assessment", row.id),
            taken_on=row.taken_on,
            attempt=row.attempt,
            score=row.score,
            pass_mark=row.pass_mark,
            passed=row.passed,
            recorded_at=row.recorded_at,
            evaluator_party_id=row.evaluator_party_id,
            **cls.facts(row),
        )

    evaluator = to_one(Party, PartyByIdLoader, "evaluator_party_id", "The party that ran the test.")


@strawberry.federation.type(keys=["id"], description="A certificate, issued once per enrolment.")
class Certificate(_OfEnrollment):
    number: str = strawberry.field(description="Unique number, e.g. BD-CDS-2025-000123.")
    level: str = strawberry.field(description="What it certifies.")
    issued_on: dt.date = strawberry.field(description="Day of issue.")
    certificate_pk: strawberry.Private[int]
    trainee_pk: strawberry.Private[int]
    issuer_party_id: strawberry.Private[int]
    via_employer: strawberry.Private[bool]

    @classmethod
    def from_row(cls, row: Any) -> Certificate:
        return cls(
            id=to_global_id("Certificate", row.id),
            number=row.number,
            level=row.level,
            issued_on=row.issued_on,
            certificate_pk=row.id,
            trainee_pk=row.trainee_id,
            issuer_party_id=row.issuer_party_id,
            via_employer=bool(getattr(row, "via_employer", False)),
            **cls.facts(row),
        )

    programme = to_one(
        Programme, ProgrammeByIdLoader, "programme_id", "The programme it was earned in."
    )
    trainee = to_one(Trainee, TraineeByIdLoader, "trainee_pk", "The holder, if you may see them.")
    issuer = to_one(Party, PartyByIdLoader, "issuer_party_id", "The party that issued it.")


@strawberry.federation.type(keys=["id"], description="A job a trainee took with a sponsor.")
class Placement(_OfEnrollment):
    job_title: str = strawberry.field(description="Title of the job.")
    contract_kind: ContractKind = strawberry.field(description="Kind of contract.")
    starts_on: dt.date = strawberry.field(description="First day of work.")
    created_at: dt.datetime = strawberry.field(description="When it was recorded (UTC).")
    version: int = strawberry.field(description="Changes with every update; send it back.")
    trainee_pk: strawberry.Private[int]
    employer_party_id: strawberry.Private[int]
    certificate_pk: strawberry.Private[int | None]

    @classmethod
    def from_row(cls, row: Any) -> Placement:
        return cls(
            id=to_global_id("Placement", row.id),
            job_title=row.job_title,
            contract_kind=ContractKind(row.contract_kind),
            starts_on=row.starts_on,
            created_at=row.created_at,
            version=row.version,
            trainee_pk=row.trainee_id,
            employer_party_id=row.employer_party_id,
            certificate_pk=row.certificate_id,
            **cls.facts(row),
        )

    trainee = to_one(
        Trainee, TraineeByIdLoader, "trainee_pk", "The person hired, if you may see them."
    )
    employer = to_one(Party, PartyByIdLoader, "employer_party_id", "The hiring party.")
    certificate = to_one(
        Certificate,
        ld.CertificateByIdLoader,
        "certificate_pk",
        "The certificate the person showed, if any.",
    )


@strawberry.federation.type(keys=["id"], description="What became of a trainee after training.")
class FollowUp(_OfEnrollment):
    kind: FollowUpKind = strawberry.field(description="Employment status or performance review.")
    observed_on: dt.date = strawberry.field(description="Day of the observation.")
    employed: bool | None = strawberry.field(description="Whether the person was employed.")
    created_at: dt.datetime = strawberry.field(description="When it was recorded (UTC).")
    author_party_id: strawberry.Private[int]
    employer_party_id: strawberry.Private[int | None]
    text: strawberry.Private[str | None]

    @classmethod
    def from_row(cls, row: Any) -> FollowUp:
        return cls(
            id=to_global_id("FollowUp", row.id),
            kind=FollowUpKind(row.kind),
            observed_on=row.observed_on,
            employed=row.employed,
            created_at=row.created_at,
            author_party_id=row.author_party_id,
            employer_party_id=row.employer_party_id,
            text=row.note,
            **cls.facts(row),
        )

    @strawberry.field(description="The observation in words (e.g. a performance note).")
    def note(self) -> str | None:
        return self.text

    author = to_one(Party, PartyByIdLoader, "author_party_id", "The party that recorded it.")
    employer = to_one(
        Party, PartyByIdLoader, "employer_party_id", "The employer, for a follow-up of a placement."
    )


register_node("Attendance", ld.AttendanceByIdLoader, Attendance.from_row)
register_node("Assessment", ld.AssessmentByIdLoader, Assessment.from_row)
register_node("Certificate", ld.CertificateByIdLoader, Certificate.from_row)
register_node("Placement", ld.PlacementByIdLoader, Placement.from_row)
register_node("FollowUp", ld.FollowUpByIdLoader, FollowUp.from_row)
