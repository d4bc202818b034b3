"""Programmes and agreements: their root fields and mutations (duties and escalations: see
work_schema). Each mutation takes one input, returns one payload, makes one guarded call."""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Callable, Sequence
from typing import Annotated, Any, TypeVar

import strawberry
from sqlalchemy import Row, Select, Table

from auth.principal import Principal
from stakeholders.common.loading import fetch_page
from stakeholders.common.mutations import Facts, run_mutation, stored_version
from stakeholders.common.relay import (
    After,
    Connection,
    First,
    expect_global_id,
    page_request,
    to_connection,
)
from stakeholders.common.resolvers import Info
from stakeholders.common.scalars import MinorUnits
from stakeholders.common.words import VERSION
from stakeholders.declared import node_mutation
from stakeholders.errors import BadInput
from stakeholders.parties.schema import own_or_named_party
from stakeholders.programmes import loaders as ld
from stakeholders.programmes import repository as repo
from stakeholders.programmes import service
from stakeholders.programmes.declared import programme_by_id, programme_mutation
from stakeholders.programmes.enums import (
    AgreementKind,
    EligibilityCombination,
    ParticipantRole,
    ProgrammeStatus,
    TargetMetric,
)
from stakeholders.programmes.loaders import ProgrammeByCodeLoader
from stakeholders.programmes.models import Programme as ProgrammeModel
from stakeholders.programmes.types import Agreement, Programme

__all__ = [
    "ProgrammeCode",
    "ProgrammeMutation",
    "ProgrammeQuery",
    "optional_id",
    "programme_id_by_code",
    "programme_page",
    "programme_target",
]

T = TypeVar("T")
ProgrammeCode = Annotated[
    str | None, strawberry.argument(description="Only under the programme with this code.")
]


async def programme_id_by_code(info: Info, code: str | None) -> int | None:
    if code is None:
        return None
    row = await info.context.loaders.get(ProgrammeByCodeLoader).load(code)
    if row is None:
        raise BadInput(f"no programme you may see has the code {code!r}", field="programme")
    return int(row.id)


async def programme_page(
    info: Info,
    readable: Select[Any],
    table: Table,
    convert: Callable[[Row[Any]], T],
    first: int | None,
    after: str | None,
    programme: str | None,
    statuses: Sequence[enum.Enum] | None = None,
) -> Connection[T]:
    """One page of a root list of rows that carry their programme: those the caller may read
    (`readable`), under the programme of code `programme` and in one of `statuses` if given."""
    programme_id = await programme_id_by_code(info, programme)
    stmt = readable
    if programme_id is not None:
        stmt = stmt.where(table.c.programme_id == programme_id)
    if statuses is not None:
        stmt = stmt.where(table.c.status.in_([s.value for s in statuses]))
    request = page_request(first, after, info.context.max_page_size)
    page = await fetch_page(info.context.loaders, stmt, table, request)
    return to_connection(page, convert)


def programme_list(
    description: str,
    node: Any,
    readable: Callable[[Principal], Select[Any]],
    table: Table,
) -> Any:
    """A root list field of `node`s whose rows carry their programme: those the caller may
    read, in id order, optionally under one programme (the common root list, declared)."""

    async def resolve(
        info: Info, first: First = None, after: After = None, programme: ProgrammeCode = None
    ) -> Any:
        stmt = readable(info.context.principal)
        return await programme_page(info, stmt, table, node.from_row, first, after, programme)

    resolve.__annotations__["return"] = Connection[node] | None  # type: ignore[valid-type]
    return strawberry.field(resolver=resolve, description=description)


@strawberry.type
class ProgrammeQuery:
    @strawberry.field(description="Programmes you may see, in id order.")
    async def programmes(
        self,
        info: Info,
        first: First = None,
        after: After = None,
        status: Annotated[
            list[ProgrammeStatus] | None,
            strawberry.argument(description="Only programmes in one of these statuses."),
        ] = None,
    ) -> Connection[Programme] | None:
        request = page_request(first, after, info.context.max_page_size)
        stmt = repo.readable_programmes(info.context.principal)
        if status is not None:
            stmt = stmt.where(repo.PROGRAMMES.c.status.in_([s.value for s in status]))
        page = await fetch_page(info.context.loaders, stmt, repo.PROGRAMMES, request)
        return to_connection(page, Programme.from_row)

    @strawberry.field(description="The programme with this code, if you may see it.")
    async def programme(
        self,
        info: Info,
        code: Annotated[
            str, strawberry.argument(description="Programme code, exact: CQ-DIGITAL-ENGINEERS.")
        ],
    ) -> Programme | None:
        row = await info.context.loaders.get(ProgrammeByCodeLoader).load(code)
        return Programme.from_row(row) if row else None


@strawberry.input(description="An amount in minor units and its ISO 4217 currency.")
class MoneyInput:
    amount_minor: MinorUnits = strawberry.field(
        description="Amount in the currency's minor unit, 0 or more: 9000000000 for EUR 90M."
    )
    currency: str = strawberry.field(
        description="ISO 4217 code, e.g. EUR; the programme's own currency."
    )


@strawberry.input(description="A track or module.")
class TrackInput:
    code: str = strawberry.field(
        description="Short code, unique in the programme, e.g. AI; 1-40 characters. Cohorts "
        "name their modules by it."
    )
    name: str = strawberry.field(
        description="Name in the programme's language, e.g. 人工智能; 1-200 characters."
    )


@strawberry.input(description="A target over a period.")
class TargetInput:
    metric: TargetMetric = strawberry.field(description="What is counted.")
    period_start: dt.date = strawberry.field(description="First day of the period.")
    period_end: dt.date = strawberry.field(
        description="Last day of the period, on or after its first."
    )
    value: int = strawberry.field(description="How many by the end of the period; 0 or more.")


@strawberry.input(description="An eligibility rule: the criterion and the values it allows.")
class EligibilityRuleInput:
    criterion: str = strawberry.field(
        description="What is checked; 1-60 characters. The rule engine decides EDUCATION_LEVEL "
        "and EMPLOYMENT_STATUS from what the trainee declares; a district officer any other."
    )
    allowed: list[str] = strawberry.field(
        description="Values that satisfy it, each 1-100 characters: for EDUCATION_LEVEL, "
        "EducationLevel names such as BACHELOR; for EMPLOYMENT_STATUS, EmploymentStatus names."
    )
    description: str = strawberry.field(
        default="", description="The rule in words, for applicants; at most 1,000 characters."
    )


@strawberry.input(description="A new programme; the owner defaults to your own party.")
class CreateProgrammeInput:
    code: str = strawberry.field(
        description="Stable code, unique in the hub: 1-40 upper-case letters, digits or inner "
        "hyphens, e.g. CQ-DIGITAL-ENGINEERS. Certificate numbers start with it."
    )
    name: str = strawberry.field(
        description="Official name, in the owner's language; 1-300 characters."
    )
    starts_on: dt.date = strawberry.field(description="First day.")
    currency: str = strawberry.field(
        description="ISO 4217 currency of all its money, e.g. CNY, VND, MAD, EUR."
    )
    owner_code: str | None = strawberry.field(
        default=None,
        description="Code of the owning party, yours or one below it; defaults to your own.",
    )
    status: ProgrammeStatus = strawberry.field(
        default=ProgrammeStatus.DRAFT,
        description="DRAFT (the default) to prepare it unseen, ACTIVE to publish it at once; "
        "never CLOSED.",
    )
    ends_on: dt.date | None = strawberry.field(
        default=None, description="Last day, on or after the first; none when open-ended."
    )
    budget: MoneyInput | None = strawberry.field(
        default=None,
        description="Budget envelope in the programme's currency; only participants and "
        "auditors see it.",
    )
    tracks: list[TrackInput] = strawberry.field(
        default_factory=list, description="Tracks or modules taught; codes unique."
    )
    targets: list[TargetInput] = strawberry.field(
        default_factory=list, description="Quantified goals, each over a period."
    )
    eligibility_rules: list[EligibilityRuleInput] = strawberry.field(
        default_factory=list, description="Who may enrol, as rules; anyone when empty."
    )
    eligibility_combination: EligibilityCombination = strawberry.field(
        default=EligibilityCombination.ALL_OF,
        description="Whether a person must meet every rule (ALL_OF) or one is enough (ANY_OF).",
    )
    priority_audiences: list[str] = strawberry.field(
        default_factory=list,
        description="Audiences served first, e.g. WOMEN, QPV, RURAL, YOUTH; 1-60 characters each.",
    )
    minimum_attendance: int = strawberry.field(
        default=80,
        description="Share of a cohort's planned session days, in percent (0-100), a trainee "
        "must attend to complete.",
    )
    pass_mark: int = strawberry.field(
        default=50, description="Test score, out of 100, that passes."
    )


@strawberry.input(description="Move a programme to its next status.")
class UpdateProgrammeStatusInput:
    id: strawberry.ID = strawberry.field(description="Global ID of the programme.")
    version: int = strawberry.field(description=VERSION)
    status: ProgrammeStatus = strawberry.field(
        description="ACTIVE to publish a DRAFT, CLOSED to close an ACTIVE one; never back."
    )


@strawberry.input(description="A party joining a programme in a role.")
class AddParticipantInput:
    programme_id: strawberry.ID = strawberry.field(description="Global ID of the programme.")
    party_code: str = strawberry.field(description="Code of the party joining, e.g. BD-DOHA.")
    role: ParticipantRole = strawberry.field(
        description="Its part; not OWNER (set at creation). A party may hold several, each once."
    )


@strawberry.input(description="A party to an agreement and its role.")
class AgreementPartyInput:
    party_code: str = strawberry.field(description="Code of a party taking part in the programme.")
    role: ParticipantRole = strawberry.field(description="Its part in the agreement.")


@strawberry.input(description="A new, unsigned agreement between participants.")
class CreateAgreementInput:
    programme_id: strawberry.ID = strawberry.field(description="Global ID of the programme.")
    kind: AgreementKind = strawberry.field(description="Convention, procurement lot or grant.")
    title: str = strawberry.field(description="Title; 1-300 characters.")
    parties: list[AgreementPartyInput] = strawberry.field(
        description="The parties it binds, at least two distinct ones, each with its role."
    )
    reference: str | None = strawberry.field(
        default=None,
        description="Official reference, e.g. 109/KH-UBND; at most 100 characters.",
    )


@strawberry.input(description="A signature; the party defaults to your own.")
class SignAgreementInput:
    id: strawberry.ID = strawberry.field(description="Global ID of the agreement.")
    version: int = strawberry.field(description=VERSION)
    party_code: str | None = strawberry.field(
        default=None,
        description="Code of the signing party, a party to the agreement, yours or one below "
        "it; defaults to your own.",
    )


@strawberry.type(description="The programme changed.")
class ProgrammePayload:
    programme: Programme = strawberry.field(description="The programme as now stored.")


@strawberry.type(description="The agreement changed.")
class AgreementPayload:
    agreement: Agreement = strawberry.field(description="The agreement as now stored.")


def programme_target(row: Row[Any] | None) -> Facts | None:
    return Facts(programme_id=row.id) if row is not None else None


def optional_id(value: str | None, type_name: str, field: str) -> int | None:
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
        eligibility_combination=data.eligibility_combination,
        minimum_attendance=data.minimum_attendance,
        pass_mark=data.pass_mark,
    )


async def _agreement_args(info: Info, data: CreateAgreementInput) -> dict[str, Any]:
    parties = [
        service.AgreementPartySpec(await own_or_named_party(info, p.party_code, "parties"), p.role)
        for p in data.parties
    ]
    return {"kind": data.kind, "title": data.title, "reference": data.reference, "parties": parties}


@strawberry.type
class ProgrammeMutation:
    @strawberry.mutation(description="Create a programme owned by your party (or one below it).")
    async def create_programme(
        self,
        info: Info,
        input: Annotated[
            CreateProgrammeInput,
            strawberry.argument(
                description="The new programme: code, name, period, currency, and optionally "
                "owner, budget, tracks, targets, rules."
            ),
        ],
    ) -> ProgrammePayload | None:
        ctx = info.context
        spec = _spec(input)
        owner = await own_or_named_party(info, input.owner_code, "ownerCode")
        programme = await run_mutation(
            ctx,
            "createProgramme",
            Facts(party_id=owner),
            lambda: service.create_programme(
                ctx.session, ctx.principal, owner_party_id=owner, spec=spec
            ),
        )
        return ProgrammePayload(programme=Programme.from_row(programme))

    update_programme_status = node_mutation(
        "updateProgrammeStatus",
        "Publish (ACTIVE) or close (CLOSED) a programme.",
        UpdateProgrammeStatusInput,
        "The programme, its version and its next status.",
        service.update_programme_status,
        ProgrammePayload,
        facts=programme_target,
    )

    @strawberry.mutation(description="Make a party take part in a programme in a role.")
    async def add_participant(
        self,
        info: Info,
        input: Annotated[
            AddParticipantInput,
            strawberry.argument(description="The programme, the party joining and its role."),
        ],
    ) -> ProgrammePayload | None:
        ctx = info.context
        pk, row = await programme_by_id(info, input.programme_id, "programmeId")
        party = await own_or_named_party(info, input.party_code, "partyCode")
        await run_mutation(
            ctx,
            "addParticipant",
            programme_target(row),
            lambda: service.add_participant(
                ctx.session, ctx.principal, programme_id=pk, party_id=party, role=input.role
            ),
        )
        stored = await ctx.session.get(ProgrammeModel, pk)
        return ProgrammePayload(programme=Programme.from_row(stored))

    create_agreement = programme_mutation(
        "createAgreement",
        "Draw up an agreement between participants; unsigned.",
        CreateAgreementInput,
        "The agreement: programme, kind, title, and the parties with their roles.",
        service.create_agreement,
        AgreementPayload,
        args=_agreement_args,
    )

    @strawberry.mutation(description="Sign an agreement for your party (or one below it).")
    async def sign_agreement(
        self,
        info: Info,
        input: Annotated[
            SignAgreementInput,
            strawberry.argument(
                description="The agreement to sign, its version and, optionally, the signing party."
            ),
        ],
    ) -> AgreementPayload | None:
        ctx = info.context
        pk = expect_global_id(input.id, "Agreement")
        visible = await ctx.loaders.get(ld.AgreementByIdLoader).load(pk)
        party = await own_or_named_party(info, input.party_code, "partyCode")
        agreement = await run_mutation(
            ctx,
            "signAgreement",
            Facts(party_id=party, programme_id=visible.programme_id) if visible else None,
            lambda: service.sign_agreement(
                ctx.session, ctx.principal, agreement_id=pk, version=input.version, party_id=party
            ),
            stored=stored_version(repo.AGREEMENTS, pk),
        )
        return AgreementPayload(agreement=Agreement.from_row(agreement))
