"""The coordination core's mutations: each one input, one payload, one guarded service call."""

from __future__ import annotations

import datetime as dt
from typing import Any

import strawberry
from sqlalchemy import Row

from auth.errors import Forbidden, Unauthenticated
from stakeholders.common.mutations import Facts, mutate_node, run_mutation
from stakeholders.common.relay import expect_global_id
from stakeholders.common.resolvers import Info
from stakeholders.common.scalars import MinorUnits
from stakeholders.errors import BadInput
from stakeholders.parties.schema import party_id_by_code
from stakeholders.programmes import loaders as ld
from stakeholders.programmes import service, work_service
from stakeholders.programmes.enums import (
    AgreementKind,
    ParticipantRole,
    ProgrammeStatus,
    ResponsibilityStatus,
    TargetMetric,
)
from stakeholders.programmes.models import Programme as ProgrammeModel
from stakeholders.programmes.types import Agreement, Programme
from stakeholders.programmes.work_types import Escalation, Responsibility

__all__ = ["ProgrammeMutation"]


@strawberry.input(description="An amount in minor units and its ISO 4217 currency.")
class MoneyInput:
    amount_minor: MinorUnits
    currency: str


@strawberry.input(description="A track or module.")
class TrackInput:
    code: str
    name: str


@strawberry.input(description="A target over a period.")
class TargetInput:
    metric: TargetMetric
    period_start: dt.date
    period_end: dt.date
    value: int


@strawberry.input(description="An eligibility rule: the criterion and the values it allows.")
class EligibilityRuleInput:
    criterion: str
    allowed: list[str]
    description: str = ""


@strawberry.input(description="A new programme; the owner defaults to your own party.")
class CreateProgrammeInput:
    code: str
    name: str
    starts_on: dt.date
    currency: str
    owner_code: str | None = None
    status: ProgrammeStatus = ProgrammeStatus.DRAFT
    ends_on: dt.date | None = None
    budget: MoneyInput | None = None
    tracks: list[TrackInput] = strawberry.field(default_factory=list)
    targets: list[TargetInput] = strawberry.field(default_factory=list)
    eligibility_rules: list[EligibilityRuleInput] = strawberry.field(default_factory=list)
    priority_audiences: list[str] = strawberry.field(default_factory=list)
    minimum_attendance: int = 80
    pass_mark: int = 50


@strawberry.input(description="Move a programme to its next status.")
class UpdateProgrammeStatusInput:
    id: strawberry.ID
    version: int
    status: ProgrammeStatus


@strawberry.input(description="A party joining a programme in a role.")
class AddParticipantInput:
    programme_id: strawberry.ID
    party_code: str
    role: ParticipantRole


@strawberry.input(description="A party to an agreement and its role.")
class AgreementPartyInput:
    party_code: str
    role: ParticipantRole


@strawberry.input(description="A new, unsigned agreement between participants.")
class CreateAgreementInput:
    programme_id: strawberry.ID
    kind: AgreementKind
    title: str
    parties: list[AgreementPartyInput]
    reference: str | None = None


@strawberry.input(description="A signature; the party defaults to your own.")
class SignAgreementInput:
    id: strawberry.ID
    version: int
    party_code: str | None = None


@strawberry.input(description="A duty for a participant of the programme.")
class AssignResponsibilityInput:
    programme_id: strawberry.ID
    assignee_code: str
    title: str
    description: str = ""
    due_on: dt.date | None = None
    agreement_id: strawberry.ID | None = None


@strawberry.input(description="A progress report by the assignee.")
class UpdateResponsibilityProgressInput:
    id: strawberry.ID
    version: int
    status: ResponsibilityStatus | None = None
    progress: int | None = None
    note: str = ""


@strawberry.input(description="Cancel a responsibility, with the reason.")
class CancelResponsibilityInput:
    id: strawberry.ID
    version: int
    reason: str


@strawberry.input(description="A difficulty to report; goes to the programme's owner by default.")
class RaiseEscalationInput:
    programme_id: strawberry.ID
    subject: str
    description: str = ""
    responsibility_id: strawberry.ID | None = None
    addressed_to_code: str | None = None
    raised_by_code: str | None = None


@strawberry.input(description="Acknowledge an escalation addressed to you.")
class AcknowledgeEscalationInput:
    id: strawberry.ID
    version: int


@strawberry.input(description="Resolve an escalation addressed to you.")
class ResolveEscalationInput:
    id: strawberry.ID
    version: int
    resolution: str


@strawberry.type(description="The programme changed.")
class ProgrammePayload:
    programme: Programme = strawberry.field(description="The programme as now stored.")


@strawberry.type(description="The agreement changed.")
class AgreementPayload:
    agreement: Agreement = strawberry.field(description="The agreement as now stored.")


@strawberry.type(description="The responsibility changed.")
class ResponsibilityPayload:
    responsibility: Responsibility = strawberry.field(description="As now stored.")


@strawberry.type(description="The escalation changed.")
class EscalationPayload:
    escalation: Escalation = strawberry.field(description="As now stored.")


async def _party_id(info: Info, code: str | None, field: str) -> int:
    """The id of the party `code`, defaulting to the caller's own party."""
    code = code or info.context.principal.party_code
    if code is None:
        raise Unauthenticated(f"sign in, or name the party in {field}")
    return await party_id_by_code(info, code, field)


async def _programme(info: Info, global_id: str, field: str) -> tuple[int, Row[Any] | None]:
    pk = expect_global_id(global_id, "Programme", field=field)
    return pk, await info.context.loaders.get(ld.ProgrammeByIdLoader).load(pk)


def _as_programme_target(row: Row[Any] | None) -> Facts | None:
    return Facts(programme_id=row.id) if row is not None else None


def _optional_id(value: str | None, type_name: str, field: str) -> int | None:
    return expect_global_id(value, type_name, field=field) if value is not None else None


def _spec(data: CreateProgrammeInput) -> service.ProgrammeSpec:
    if data.budget is not None and data.budget.currency != data.currency:
        raise BadInput("the budget must be in the programme's currency", field="budget")
    return service.ProgrammeSpec(
        code=data.code,
        name=data.name,
        status=data.status,
        starts_on=data.starts_on,
        ends_on=data.ends_on,
        currency=data.currency,
        budget_minor=data.budget.amount_minor if data.budget else None,
        tracks=[{"code": t.code, "name": t.name} for t in data.tracks],
        targets=[
            {
                "metric": t.metric.value,
                "periodStart": t.period_start,
                "periodEnd": t.period_end,
                "value": t.value,
            }
            for t in data.targets
        ],
        eligibility_rules=[
            {"criterion": r.criterion, "allowed": r.allowed, "description": r.description}
            for r in data.eligibility_rules
        ],
        priority_audiences=data.priority_audiences,
        minimum_attendance=data.minimum_attendance,
        pass_mark=data.pass_mark,
    )


@strawberry.type
class ProgrammeMutation:
    @strawberry.mutation(description="Create a programme owned by your party (or one below it).")
    async def create_programme(
        self, info: Info, input: CreateProgrammeInput
    ) -> ProgrammePayload | None:
        ctx = info.context
        spec = _spec(input)
        owner = await _party_id(info, input.owner_code, "ownerCode")
        programme = await run_mutation(
            ctx,
            "createProgramme",
            Facts(party_id=owner),
            lambda: service.create_programme(
                ctx.session, ctx.principal, owner_party_id=owner, spec=spec
            ),
        )
        return ProgrammePayload(programme=Programme.from_row(programme))

    @strawberry.mutation(description="Publish (ACTIVE) or close (CLOSED) a programme.")
    async def update_programme_status(
        self, info: Info, input: UpdateProgrammeStatusInput
    ) -> ProgrammePayload | None:
        ctx = info.context
        pk, row = await _programme(info, input.id, "id")
        programme = await run_mutation(
            ctx,
            "updateProgrammeStatus",
            _as_programme_target(row),
            lambda: service.update_programme_status(
                ctx.session,
                ctx.principal,
                programme_id=pk,
                version=input.version,
                status=input.status,
            ),
        )
        return ProgrammePayload(programme=Programme.from_row(programme))

    @strawberry.mutation(description="Make a party take part in a programme in a role.")
    async def add_participant(
        self, info: Info, input: AddParticipantInput
    ) -> ProgrammePayload | None:
        ctx = info.context
        pk, row = await _programme(info, input.programme_id, "programmeId")
        party = await _party_id(info, input.party_code, "partyCode")
        await run_mutation(
            ctx,
            "addParticipant",
            _as_programme_target(row),
            lambda: service.add_participant(
                ctx.session, ctx.principal, programme_id=pk, party_id=party, role=input.role
            ),
        )
        stored = await ctx.session.get(ProgrammeModel, pk)
        return ProgrammePayload(programme=Programme.from_row(stored))

    @strawberry.mutation(description="Draw up an agreement between participants; unsigned.")
    async def create_agreement(
        self, info: Info, input: CreateAgreementInput
    ) -> AgreementPayload | None:
        ctx = info.context
        pk, row = await _programme(info, input.programme_id, "programmeId")
        parties = [
            service.AgreementPartySpec(await _party_id(info, p.party_code, "parties"), p.role)
            for p in input.parties
        ]

        async def work() -> Any:
            programme = await service.get_for_update(ctx.session, ProgrammeModel, pk)
            return await service.create_agreement(
                ctx.session,
                ctx.principal,
                programme=programme,
                kind=input.kind,
                title=input.title,
                reference=input.reference,
                parties=parties,
            )

        agreement = await run_mutation(ctx, "createAgreement", _as_programme_target(row), work)
        return AgreementPayload(agreement=Agreement.from_row(agreement))

    @strawberry.mutation(description="Sign an agreement for your party (or one below it).")
    async def sign_agreement(
        self, info: Info, input: SignAgreementInput
    ) -> AgreementPayload | None:
        ctx = info.context
        pk = expect_global_id(input.id, "Agreement")
        visible = await ctx.loaders.get(ld.AgreementByIdLoader).load(pk)
        party = await _party_id(info, input.party_code, "partyCode")
        agreement = await run_mutation(
            ctx,
            "signAgreement",
            Facts(party_id=party) if visible is not None else None,
            lambda: service.sign_agreement(
                ctx.session, ctx.principal, agreement_id=pk, version=input.version, party_id=party
            ),
        )
        return AgreementPayload(agreement=Agreement.from_row(agreement))

    @strawberry.mutation(description="Assign a responsibility to a participant.")
    async def assign_responsibility(
        self, info: Info, input: AssignResponsibilityInput
    ) -> ResponsibilityPayload | None:
        ctx = info.context
        pk, row = await _programme(info, input.programme_id, "programmeId")
        assignee = await _party_id(info, input.assignee_code, "assigneeCode")
        agreement = _optional_id(input.agreement_id, "Agreement", "agreementId")

        async def work() -> Any:
            programme = await service.get_for_update(ctx.session, ProgrammeModel, pk)
            return await work_service.assign_responsibility(
                ctx.session,
                ctx.principal,
                programme=programme,
                assignee_party_id=assignee,
                title=input.title,
                description=input.description,
                due_on=input.due_on,
                agreement_id=agreement,
            )

        created = await run_mutation(ctx, "assignResponsibility", _as_programme_target(row), work)
        return ResponsibilityPayload(responsibility=Responsibility.from_row(created))

    @strawberry.mutation(description="Report progress on a responsibility your party holds.")
    async def update_responsibility_progress(
        self, info: Info, input: UpdateResponsibilityProgressInput
    ) -> ResponsibilityPayload | None:
        ctx = info.context
        updated = await mutate_node(
            ctx,
            "updateResponsibilityProgress",
            input.id,
            "Responsibility",
            ld.ResponsibilityByIdLoader,
            lambda pk: work_service.update_progress(
                ctx.session,
                ctx.principal,
                responsibility_id=pk,
                version=input.version,
                status=input.status,
                progress=input.progress,
                note=input.note,
            ),
        )
        return ResponsibilityPayload(responsibility=Responsibility.from_row(updated))

    @strawberry.mutation(description="Cancel a responsibility of a programme you own.")
    async def cancel_responsibility(
        self, info: Info, input: CancelResponsibilityInput
    ) -> ResponsibilityPayload | None:
        ctx = info.context
        updated = await mutate_node(
            ctx,
            "cancelResponsibility",
            input.id,
            "Responsibility",
            ld.ResponsibilityByIdLoader,
            lambda pk: work_service.cancel_responsibility(
                ctx.session,
                ctx.principal,
                responsibility_id=pk,
                version=input.version,
                reason=input.reason,
            ),
        )
        return ResponsibilityPayload(responsibility=Responsibility.from_row(updated))

    @strawberry.mutation(description="Report a difficulty, by default to the programme's owner.")
    async def raise_escalation(
        self, info: Info, input: RaiseEscalationInput
    ) -> EscalationPayload | None:
        ctx = info.context
        pk, row = await _programme(info, input.programme_id, "programmeId")
        raiser = await _party_id(info, input.raised_by_code, "raisedByCode")
        addressee = (
            await _party_id(info, input.addressed_to_code, "addressedToCode")
            if input.addressed_to_code
            else (row.owner_party_id if row is not None else None)
        )
        responsibility = _optional_id(input.responsibility_id, "Responsibility", "responsibilityId")

        async def work() -> Any:
            if raiser not in ctx.principal.subtree:
                raise Forbidden("you may raise escalations for your own party subtree only")
            programme = await service.get_for_update(ctx.session, ProgrammeModel, pk)
            return await work_service.raise_escalation(
                ctx.session,
                ctx.principal,
                programme=programme,
                raised_by_party_id=raiser,
                addressed_to_party_id=addressee or programme.owner_party_id,
                responsibility_id=responsibility,
                subject=input.subject,
                description=input.description,
            )

        created = await run_mutation(ctx, "raiseEscalation", _as_programme_target(row), work)
        return EscalationPayload(escalation=Escalation.from_row(created))

    @strawberry.mutation(description="Acknowledge an escalation addressed to your party.")
    async def acknowledge_escalation(
        self, info: Info, input: AcknowledgeEscalationInput
    ) -> EscalationPayload | None:
        ctx = info.context
        updated = await mutate_node(
            ctx,
            "acknowledgeEscalation",
            input.id,
            "Escalation",
            ld.EscalationByIdLoader,
            lambda pk: work_service.acknowledge_escalation(
                ctx.session, ctx.principal, escalation_id=pk, version=input.version
            ),
        )
        return EscalationPayload(escalation=Escalation.from_row(updated))

    @strawberry.mutation(description="Resolve an escalation addressed to your party.")
    async def resolve_escalation(
        self, info: Info, input: ResolveEscalationInput
    ) -> EscalationPayload | None:
        ctx = info.context
        updated = await mutate_node(
            ctx,
            "resolveEscalation",
            input.id,
            "Escalation",
            ld.EscalationByIdLoader,
            lambda pk: work_service.resolve_escalation(
                ctx.session,
                ctx.principal,
                escalation_id=pk,
                version=input.version,
                resolution=input.resolution,
            ),
        )
        return EscalationPayload(escalation=Escalation.from_row(updated))
