"""The work of a programme: responsibilities and escalations, their root fields and mutations."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

import strawberry

from auth.errors import Forbidden
from stakeholders.common.mutations import run_mutation
from stakeholders.common.relay import After, Connection, First
from stakeholders.common.resolvers import Info
from stakeholders.common.words import VERSION
from stakeholders.declared import node_mutation
from stakeholders.parties.schema import own_or_named_party
from stakeholders.programmes import repository as repo
from stakeholders.programmes import work_service
from stakeholders.programmes.declared import programme_by_id, programme_mutation
from stakeholders.programmes.enums import ResponsibilityStatus
from stakeholders.programmes.filters import EscalationFilter, ResponsibilityFilter
from stakeholders.programmes.models import Programme as ProgrammeModel
from stakeholders.programmes.schema import (
    ProgrammeCode,
    optional_id,
    programme_page,
    programme_target,
)
from stakeholders.programmes.types import (
    Assignee,
    DueBefore,
    EscalationStatuses,
    Overdue,
    ResponsibilityStatuses,
)
from stakeholders.programmes.work_types import Escalation, Responsibility
from stakeholders.writes import get_for_share

__all__ = ["WorkMutation", "WorkQuery"]


@strawberry.input(description="A duty for a participant of the programme.")
class AssignResponsibilityInput:
    programme_id: strawberry.ID = strawberry.field(
        description="Global ID of the programme, DRAFT or ACTIVE."
    )
    assignee_code: str = strawberry.field(
        description="Code of the party that will hold the duty; it must take part in the programme."
    )
    title: str = strawberry.field(description="What is to be done, in a line; 1-300 characters.")
    description: str = strawberry.field(
        default="", description="Details; at most 4,000 characters."
    )
    due_on: dt.date | None = strawberry.field(
        default=None, description="Day it is due; once past, an open duty is overdue."
    )
    agreement_id: strawberry.ID | None = strawberry.field(
        default=None,
        description="Global ID of the agreement of the same programme it carries out, if any.",
    )


@strawberry.input(description="A progress report by the assignee.")
class UpdateResponsibilityProgressInput:
    id: strawberry.ID = strawberry.field(description="Global ID of the responsibility.")
    version: int = strawberry.field(description=VERSION)
    status: ResponsibilityStatus | None = strawberry.field(
        default=None,
        description="New status, if it changes; not CANCELLED (the owner cancels). DONE without "
        "a progress sets it to 100.",
    )
    progress: int | None = strawberry.field(
        default=None,
        description="Progress in percent, 0-100; kept when omitted; 100 with DONE.",
    )
    note: str = strawberry.field(
        default="",
        description="What the assignee reports, at most 4,000 characters. Send at least a "
        "status, a progress or a note.",
    )


@strawberry.input(description="Cancel a responsibility, with the reason.")
class CancelResponsibilityInput:
    id: strawberry.ID = strawberry.field(description="Global ID of the responsibility.")
    version: int = strawberry.field(description=VERSION)
    reason: str = strawberry.field(description="Why it is cancelled; 1-4,000 characters.")


@strawberry.input(description="A difficulty to report; goes to the programme's owner by default.")
class RaiseEscalationInput:
    programme_id: strawberry.ID = strawberry.field(
        description="Global ID of the programme concerned."
    )
    subject: str = strawberry.field(description="The difficulty in a line; 1-300 characters.")
    description: str = strawberry.field(
        default="", description="The difficulty in detail; at most 4,000 characters."
    )
    responsibility_id: strawberry.ID | None = strawberry.field(
        default=None,
        description="Global ID of the responsibility of this programme it is about, if any.",
    )
    addressed_to_code: str | None = strawberry.field(
        default=None,
        description="Code of the party it goes to, another participant; defaults to the "
        "programme's owner.",
    )
    raised_by_code: str | None = strawberry.field(
        default=None,
        description="Code of the raising party, yours or one below it, taking part in the "
        "programme; defaults to your own party.",
    )


@strawberry.input(description="Acknowledge an escalation addressed to you.")
class AcknowledgeEscalationInput:
    id: strawberry.ID = strawberry.field(description="Global ID of the escalation.")
    version: int = strawberry.field(description=VERSION)


@strawberry.input(description="Resolve an escalation addressed to you.")
class ResolveEscalationInput:
    id: strawberry.ID = strawberry.field(description="Global ID of the escalation.")
    version: int = strawberry.field(description=VERSION)
    resolution: str = strawberry.field(description="How it was resolved; 1-4,000 characters.")


@strawberry.type(description="The responsibility changed.")
class ResponsibilityPayload:
    responsibility: Responsibility = strawberry.field(description="As now stored.")


@strawberry.type(description="The escalation changed.")
class EscalationPayload:
    escalation: Escalation = strawberry.field(description="As now stored.")


@strawberry.type
class WorkQuery:
    @strawberry.field(description="Responsibilities you may see, across programmes.")
    async def responsibilities(
        self,
        info: Info,
        first: First = None,
        after: After = None,
        programme: ProgrammeCode = None,
        assignee: Assignee = None,
        status: ResponsibilityStatuses = None,
        overdue: Overdue = None,
        due_before: DueBefore = None,
    ) -> Connection[Responsibility] | None:
        row_filter = await ResponsibilityFilter.build(info, assignee, status, overdue, due_before)
        table = repo.RESPONSIBILITIES
        stmt = repo.readable_responsibilities(info.context.principal)
        stmt = stmt.where(*row_filter.clauses(table))
        return await programme_page(
            info, stmt, table, Responsibility.from_row, first, after, programme
        )

    @strawberry.field(description="Escalations you raised, received or oversee.")
    async def escalations(
        self,
        info: Info,
        first: First = None,
        after: After = None,
        programme: ProgrammeCode = None,
        status: EscalationStatuses = None,
    ) -> Connection[Escalation] | None:
        table = repo.ESCALATIONS
        stmt = repo.readable_escalations(info.context.principal)
        stmt = stmt.where(*EscalationFilter.of(status).clauses(table))
        return await programme_page(info, stmt, table, Escalation.from_row, first, after, programme)


async def _assignment_args(info: Info, data: AssignResponsibilityInput) -> dict[str, Any]:
    return {
        "assignee_party_id": await own_or_named_party(info, data.assignee_code, "assigneeCode"),
        "title": data.title,
        "description": data.description,
        "due_on": data.due_on,
        "agreement_id": optional_id(data.agreement_id, "Agreement", "agreementId"),
    }


@strawberry.type
class WorkMutation:
    assign_responsibility = programme_mutation(
        "assignResponsibility",
        "Assign a responsibility to a participant.",
        AssignResponsibilityInput,
        "The duty: programme, assignee, title, and optionally details, due day, agreement.",
        work_service.assign_responsibility,
        ResponsibilityPayload,
        args=_assignment_args,
    )

    update_responsibility_progress = node_mutation(
        "updateResponsibilityProgress",
        "Report progress on a responsibility your party holds.",
        UpdateResponsibilityProgressInput,
        "The report: responsibility, version, and a new status, progress or note.",
        work_service.update_progress,
        ResponsibilityPayload,
    )
    cancel_responsibility = node_mutation(
        "cancelResponsibility",
        "Cancel a responsibility of a programme you own.",
        CancelResponsibilityInput,
        "The responsibility to cancel, its version and the reason.",
        work_service.cancel_responsibility,
        ResponsibilityPayload,
    )

    @strawberry.mutation(description="Report a difficulty, by default to the programme's owner.")
    async def raise_escalation(
        self,
        info: Info,
        input: Annotated[
            RaiseEscalationInput,
            strawberry.argument(
                description="The difficulty: programme, subject, and optionally details and "
                "addressee."
            ),
        ],
    ) -> EscalationPayload | None:
        ctx = info.context
        pk, row = await programme_by_id(info, input.programme_id, "programmeId")
        raiser = await own_or_named_party(info, input.raised_by_code, "raisedByCode")
        addressee = (
            await own_or_named_party(info, input.addressed_to_code, "addressedToCode")
            if input.addressed_to_code
            else (row.owner_party_id if row is not None else None)
        )
        responsibility = optional_id(input.responsibility_id, "Responsibility", "responsibilityId")

        async def work() -> Any:
            if raiser not in ctx.principal.subtree:
                raise Forbidden("you may raise escalations for your own party subtree only")
            programme = await get_for_share(ctx.session, ProgrammeModel, pk)
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

        created = await run_mutation(ctx, "raiseEscalation", programme_target(row), work)
        return EscalationPayload(escalation=Escalation.from_row(created))

    acknowledge_escalation = node_mutation(
        "acknowledgeEscalation",
        "Acknowledge an escalation addressed to your party.",
        AcknowledgeEscalationInput,
        "The escalation to acknowledge and its version.",
        work_service.acknowledge_escalation,
        EscalationPayload,
    )
    resolve_escalation = node_mutation(
        "resolveEscalation",
        "Resolve an escalation addressed to your party.",
        ResolveEscalationInput,
        "The escalation to resolve, its version and the resolution.",
        work_service.resolve_escalation,
        EscalationPayload,
    )
