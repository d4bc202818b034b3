"""GraphQL types of programmes and agreements, and the values they hold."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Annotated, Any

import strawberry

from auth.policy import may
from stakeholders.common.enums import describe_enum
from stakeholders.common.mutations import Facts
from stakeholders.common.relay import After, Connection, First, Node, to_global_id
from stakeholders.common.resolvers import Entity, Info, paged, register_node, to_one
from stakeholders.common.scalars import MinorUnits
from stakeholders.parties.loaders import PartyByIdLoader
from stakeholders.parties.types import Party
from stakeholders.programmes import loaders as ld
from stakeholders.programmes.enums import (
    AgreementKind,
    EligibilityCombination,
    EscalationStatus,
    ParticipantRole,
    ProgrammeStatus,
    ResponsibilityStatus,
    TargetMetric,
)
from stakeholders.programmes.filters import EscalationFilter, ResponsibilityFilter
from stakeholders.validation import currency_exponent

if TYPE_CHECKING:
    from stakeholders.programmes.work_types import Escalation, Responsibility

__all__ = [
    "Agreement",
    "AgreementParty",
    "Assignee",
    "DueBefore",
    "EligibilityRule",
    "EscalationStatuses",
    "Money",
    "Overdue",
    "Participant",
    "Programme",
    "ResponsibilityStatuses",
    "Target",
    "Track",
]

WORK = "stakeholders.programmes.work_types"

# Filters of responsibility and escalation lists, here and at the root (work_schema).
Assignee = Annotated[
    str | None,
    strawberry.argument(description="Only those assigned to the party with this code."),
]
ResponsibilityStatuses = Annotated[
    list[ResponsibilityStatus] | None,
    strawberry.argument(description="Only those in one of these statuses."),
]
Overdue = Annotated[
    bool | None,
    strawberry.argument(
        description="true: only those past their due day (UTC) and neither DONE nor CANCELLED; "
        "false: only the others."
    ),
]
DueBefore = Annotated[
    dt.date | None,
    strawberry.argument(
        description="Only those due before this day (exclusive); none without a due day."
    ),
]
EscalationStatuses = Annotated[
    list[EscalationStatus] | None,
    strawberry.argument(description="Only those in one of these statuses."),
]

describe_enum(
    ProgrammeStatus,
    "A programme's life: drafted, running, closed.",
    {
        "DRAFT": "Being set up: seen only by the owner's subtree and its auditors; takes "
        "participants, agreements, responsibilities and escalations, no delivery yet.",
        "ACTIVE": "Published and running: seen by anyone; takes every action.",
        "CLOSED": "Finished: seen by anyone; takes only what follows training (placements, "
        "follow-ups, answers to open escalations). Final.",
    },
)
describe_enum(
    ParticipantRole,
    "The part a party plays in a programme or agreement.",
    {
        "OWNER": "Owns and runs the programme; set when it is created, one per programme.",
        "COORDINATOR": "Coordinates and monitors delivery; records follow-ups after training, "
        "without seeing personal identifiers.",
        "SUPERVISOR": "Supervises the programme's funds: its auditors read everything in it, "
        "audit trail included.",
        "CONTENT_DESIGNER": "Designs or co-designs the content of tracks and modules.",
        "DISTRICT": "A district the programme serves; a cohort's districtCode must hold it.",
        "HOST": "Hosts classes (usually a university); opens cohorts, records tests, issues "
        "certificates.",
        "OPERATOR": "Runs classes: opens cohorts, enrols, records attendance, tests and "
        "certificates.",
        "EVALUATOR": "An evaluation body: records tests and issues certificates.",
        "FUNDER": "Commits and disburses money; may record hires of graduates.",
        "EMPLOYER": "Offers jobs; records hires of graduates and follows them up.",
    },
)
describe_enum(
    AgreementKind,
    "Convention between parties, procurement lot, or grant.",
    {
        "CONVENTION": "A convention setting out each party's commitments (e.g. JobInTech's).",
        "PROCUREMENT": "A public procurement lot, e.g. trainings bought by an employment agency.",
        "GRANT": "Money granted to a party, e.g. after a call for projects.",
    },
)
describe_enum(
    ResponsibilityStatus,
    "Where a responsibility stands.",
    {
        "PLANNED": "Assigned, not started; every responsibility starts here.",
        "IN_PROGRESS": "Under way.",
        "DONE": "Finished, at 100% progress. Final.",
        "BLOCKED": "Stopped by a difficulty; an escalation can report it to the owner.",
        "CANCELLED": "Called off by the programme's owner, with a reason. Final.",
    },
)
describe_enum(
    EscalationStatus,
    "Where an escalation stands.",
    {
        "OPEN": "Raised; the addressed party has not acknowledged it yet.",
        "ACKNOWLEDGED": "The addressed party has seen it and is dealing with it.",
        "RESOLVED": "Answered with a resolution. Final.",
    },
)
describe_enum(
    TargetMetric,
    "What a programme target counts.",
    {
        "PARTICIPANTS": "People taking part, whether or not they complete (Binh Dinh: 34,675).",
        "CLASSES": "Classes (cohorts) held (Binh Dinh: 343).",
        "TRAINED": "People trained to the end of a course (Chongqing: 3,000 a year).",
        "CERTIFIED": "People awarded a certificate.",
        "PLACED": "Graduates placed in jobs.",
        "LABELLED_TRAININGS": "Trainings holding a quality label (GEN: about 500).",
    },
)
describe_enum(
    EligibilityCombination,
    "How a programme's eligibility rules combine.",
    {
        "ALL_OF": "A person must meet every rule (the default).",
        "ANY_OF": "One rule met is enough: audiences either of which qualifies (Chongqing: "
        "graduates, or final-year students and employees).",
    },
)


@strawberry.type(description="An amount of money: integer minor units and an ISO 4217 currency.")
class Money:
    amount_minor: MinorUnits = strawberry.field(description="Amount in minor units (cents).")
    currency: str = strawberry.field(description="ISO 4217 currency code.")

    @classmethod
    def of(cls, amount_minor: int, currency: str) -> Money:
        return cls(amount_minor=MinorUnits(amount_minor), currency=currency)

    @strawberry.field(description="Digits of the minor unit (ISO 4217): 2 for EUR, 0 for VND.")
    def exponent(self) -> int:
        return currency_exponent(self.currency)

    @strawberry.field(description="The amount in major units, exact, e.g. 1234.50 or 150000.")
    def amount(self) -> str:
        digits = currency_exponent(self.currency)
        sign, value = ("-" if self.amount_minor < 0 else ""), abs(self.amount_minor)
        if digits == 0:
            return f"{sign}{value}"
        major, minor = divmod(value, 10**digits)
        return f"{sign}{major}.{minor:0{digits}d}"


@strawberry.type(description="A track or module of a programme (e.g. AI, cloud computing).")
class Track:
    code: str = strawberry.field(description="Short code of the track.")
    name: str = strawberry.field(description="Name of the track.")


@strawberry.type(description="A quantified goal of a programme over a period.")
class Target:
    metric: TargetMetric = strawberry.field(description="What is counted.")
    period_start: dt.date = strawberry.field(description="First day of the period.")
    period_end: dt.date = strawberry.field(description="Last day of the period.")
    value: int = strawberry.field(description="How many by the end of the period.")


@strawberry.type(description="A condition a trainee must meet to enrol, as data.")
class EligibilityRule:
    criterion: str = strawberry.field(description="What is checked, e.g. EDUCATION_LEVEL.")
    allowed: list[str] = strawberry.field(description="Values that satisfy the rule.")
    description: str = strawberry.field(description="The rule in words.")


@strawberry.type(description="A party taking part in a programme, in one role.")
class Participant:
    role: ParticipantRole = strawberry.field(description="The part it plays.")
    joined_at: dt.datetime = strawberry.field(description="When it joined (UTC).")
    party_pk: strawberry.Private[int]

    party = to_one(Party, PartyByIdLoader, "party_pk", "The participating party.")


def _dates(value: str) -> dt.date:
    return dt.date.fromisoformat(value)


@strawberry.type(description="What you may do to this programme now (to enable buttons).")
class ProgrammeActions:
    assign_responsibility: bool = strawberry.field(description="assignResponsibility")
    add_participant: bool = strawberry.field(description="addParticipant")
    create_agreement: bool = strawberry.field(description="createAgreement")
    update_programme_status: bool = strawberry.field(description="updateProgrammeStatus")
    raise_escalation: bool = strawberry.field(description="raiseEscalation")


@strawberry.type(description="What you may do to this agreement now (to enable buttons).")
class AgreementActions:
    sign_agreement: bool = strawberry.field(
        description="signAgreement, for a party of yours that has not signed yet"
    )


@strawberry.federation.type(keys=["id"], description="A public digital-skills programme.")
class Programme(Node, Entity):
    code: str = strawberry.field(description="Stable code, e.g. CQ-DIGITAL-ENGINEERS.")
    name: str = strawberry.field(description="Official name.")
    status: ProgrammeStatus = strawberry.field(description="Drafted, running or closed.")
    starts_on: dt.date = strawberry.field(description="First day.")
    ends_on: dt.date | None = strawberry.field(description="Last day, if fixed.")
    currency: str = strawberry.field(description="ISO 4217 currency of its money.")
    tracks: list[Track] = strawberry.field(description="Tracks or modules taught.")
    targets: list[Target] = strawberry.field(description="Targets per period.")
    eligibility_rules: list[EligibilityRule] = strawberry.field(
        description="Who may enrol, as rules."
    )
    eligibility_combination: EligibilityCombination = strawberry.field(
        description="Whether a person meets every eligibility rule (ALL_OF) or one (ANY_OF)."
    )
    priority_audiences: list[str] = strawberry.field(
        description="Audiences served first (e.g. WOMEN, QPV, RURAL)."
    )
    minimum_attendance: int = strawberry.field(
        description="Share of session days (in %) a trainee attends to complete."
    )
    pass_mark: int = strawberry.field(description="Score (out of 100) that passes the test.")
    version: int = strawberry.field(description="Changes with every update; send it back.")
    programme_id: strawberry.Private[int]
    owner_party_id: strawberry.Private[int]
    budget_minor: strawberry.Private[int | None]

    @classmethod
    def from_row(cls, row: Any) -> Programme:
        return cls(
            id=to_global_id("Programme", row.id),
            code=row.code,
            name=row.name,
            status=ProgrammeStatus(row.status),
            starts_on=row.starts_on,
            ends_on=row.ends_on,
            currency=row.currency,
            tracks=[Track(**t) for t in row.tracks or []],
            targets=[
                Target(
                    metric=TargetMetric(t["metric"]),
                    period_start=_dates(t["periodStart"]),
                    period_end=_dates(t["periodEnd"]),
                    value=t["value"],
                )
                for t in row.targets or []
            ],
            eligibility_rules=[EligibilityRule(**r) for r in row.eligibility_rules or []],
            eligibility_combination=EligibilityCombination(row.eligibility_combination),
            priority_audiences=list(row.priority_audiences or []),
            minimum_attendance=row.minimum_attendance,
            pass_mark=row.pass_mark,
            version=row.version,
            programme_id=row.id,
            owner_party_id=row.owner_party_id,
            budget_minor=row.budget_minor,
        )

    @strawberry.field(description="What the policy lets you do to it now.")
    def viewer_can(self, info: Info) -> ProgrammeActions:
        principal = info.context.principal
        owner_may = may(principal, "assignResponsibility", self)
        return ProgrammeActions(
            assign_responsibility=owner_may and self.status != ProgrammeStatus.CLOSED,
            add_participant=may(principal, "addParticipant", self),
            create_agreement=may(principal, "createAgreement", self),
            update_programme_status=may(principal, "updateProgrammeStatus", self)
            and self.status != ProgrammeStatus.CLOSED,
            raise_escalation=may(principal, "raiseEscalation", self),
        )

    owner = to_one(
        Party, PartyByIdLoader, "owner_party_id", "The party that owns and runs the programme."
    )

    @strawberry.field(description="The budget envelope.")
    def budget(self) -> Money | None:
        if self.budget_minor is None:
            return None
        return Money.of(self.budget_minor, self.currency)

    @strawberry.field(description="Parties taking part, each with its role.")
    async def participants(self, info: Info) -> list[Participant]:
        rows = await info.context.loaders.get(ld.ParticipantsByProgrammeLoader).load(
            self.programme_id
        )
        return [Participant(role=r.role, joined_at=r.joined_at, party_pk=r.party_id) for r in rows]

    @strawberry.field(description="Agreements binding its parties.")
    async def agreements(
        self, info: Info, first: First = None, after: After = None
    ) -> Connection[Agreement]:
        return await paged(
            info,
            ld.AgreementsByProgrammeLoader,
            self.programme_id,
            Agreement.from_row,
            first,
            after,
        )

    @strawberry.field(description="Responsibilities assigned under this programme.")
    async def responsibilities(
        self,
        info: Info,
        first: First = None,
        after: After = None,
        assignee: Assignee = None,
        status: ResponsibilityStatuses = None,
        overdue: Overdue = None,
        due_before: DueBefore = None,
    ) -> Connection[Annotated[Responsibility, strawberry.lazy(WORK)]]:
        from stakeholders.programmes.work_types import Responsibility

        row_filter = await ResponsibilityFilter.build(info, assignee, status, overdue, due_before)
        return await paged(
            info,
            ld.ResponsibilitiesByProgrammeLoader,
            self.programme_id,
            Responsibility.from_row,
            first,
            after,
            row_filter,
        )

    @strawberry.field(description="Escalations raised under this programme.")
    async def escalations(
        self,
        info: Info,
        first: First = None,
        after: After = None,
        status: EscalationStatuses = None,
    ) -> Connection[Annotated[Escalation, strawberry.lazy(WORK)]]:
        from stakeholders.programmes.work_types import Escalation

        return await paged(
            info,
            ld.EscalationsByProgrammeLoader,
            self.programme_id,
            Escalation.from_row,
            first,
            after,
            EscalationFilter.of(status),
        )


@strawberry.type(description="A party to an agreement, with its role and signature.")
class AgreementParty:
    role: ParticipantRole = strawberry.field(description="Its part in the agreement.")
    signed_at: dt.datetime | None = strawberry.field(description="When it signed (UTC), if yet.")
    party_pk: strawberry.Private[int]

    party = to_one(Party, PartyByIdLoader, "party_pk", "The party.")


@strawberry.federation.type(keys=["id"], description="A convention, procurement lot or grant.")
class Agreement(Node, Entity):
    kind: AgreementKind = strawberry.field(description="Convention, procurement or grant.")
    title: str = strawberry.field(description="Title of the agreement.")
    reference: str | None = strawberry.field(description="Official reference, e.g. 109/KH-UBND.")
    signed_on: dt.date | None = strawberry.field(
        description="Day the last party signed; null until all have."
    )
    version: int = strawberry.field(description="Changes with every update; send it back.")
    agreement_id: strawberry.Private[int]
    programme_id: strawberry.Private[int]

    @classmethod
    def from_row(cls, row: Any) -> Agreement:
        return cls(
            id=to_global_id("Agreement", row.id),
            kind=AgreementKind(row.kind),
            title=row.title,
            reference=row.reference,
            signed_on=row.signed_on,
            version=row.version,
            agreement_id=row.id,
            programme_id=row.programme_id,
        )

    programme = to_one(
        Programme, ld.ProgrammeByIdLoader, "programme_id", "The programme it serves."
    )

    @strawberry.field(description="What the policy lets you do to it now.")
    async def viewer_can(self, info: Info) -> AgreementActions:
        principal = info.context.principal
        rows = await info.context.loaders.get(ld.AgreementPartiesByAgreementLoader).load(
            self.agreement_id
        )
        unsigned = (
            Facts(party_id=r.party_id, programme_id=self.programme_id)
            for r in rows
            if r.signed_at is None
        )
        return AgreementActions(
            sign_agreement=any(may(principal, "signAgreement", f) for f in unsigned)
        )

    @strawberry.field(description="The parties bound by it, with roles and signatures.")
    async def parties(self, info: Info) -> list[AgreementParty]:
        rows = await info.context.loaders.get(ld.AgreementPartiesByAgreementLoader).load(
            self.agreement_id
        )
        return [
            AgreementParty(role=r.role, signed_at=r.signed_at, party_pk=r.party_id) for r in rows
        ]

    @strawberry.field(description="Responsibilities that carry out this agreement.")
    async def responsibilities(
        self, info: Info, first: First = None, after: After = None
    ) -> Connection[Annotated[Responsibility, strawberry.lazy(WORK)]]:
        from stakeholders.programmes.work_types import Responsibility

        return await paged(
            info,
            ld.ResponsibilitiesByAgreementLoader,
            self.agreement_id,
            Responsibility.from_row,
            first,
            after,
        )


register_node("Programme", ld.ProgrammeByIdLoader, Programme.from_row)
register_node("Agreement", ld.AgreementByIdLoader, Agreement.from_row)
