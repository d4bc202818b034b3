"""GraphQL types of the work itself: responsibilities, their updates, escalations."""

from __future__ import annotations

import datetime as dt
from typing import Any

import strawberry

from auth.policy import may
from stakeholders.common.relay import After, Connection, First, Node, to_global_id
from stakeholders.common.resolvers import Entity, Info, paged, register_node, to_one
from stakeholders.parties.loaders import PartyByIdLoader
from stakeholders.parties.types import Party
from stakeholders.programmes import loaders as ld
from stakeholders.programmes.enums import EscalationStatus, ResponsibilityStatus
from stakeholders.programmes.filters import OPEN_STATUSES, is_overdue, today
from stakeholders.programmes.types import Agreement, Programme

__all__ = ["Escalation", "ProgressUpdate", "Responsibility"]


@strawberry.type(description="What you may do to this responsibility now (to enable buttons).")
class ResponsibilityActions:
    update_responsibility_progress: bool = strawberry.field(
        description="updateResponsibilityProgress"
    )
    cancel_responsibility: bool = strawberry.field(description="cancelResponsibility")
    raise_escalation: bool = strawberry.field(description="raiseEscalation about it")


@strawberry.type(description="What you may do to this escalation now (to enable buttons).")
class EscalationActions:
    acknowledge_escalation: bool = strawberry.field(description="acknowledgeEscalation")
    resolve_escalation: bool = strawberry.field(description="resolveEscalation")


@strawberry.federation.type(
    keys=["id"], description="A duty assigned to one party, which alone reports its progress."
)
class Responsibility(Node, Entity):
    title: str = strawberry.field(description="What is to be done.")
    description: str = strawberry.field(description="Details of the duty.")
    due_on: dt.date | None = strawberry.field(description="Day it is due.")
    status: ResponsibilityStatus = strawberry.field(description="Where it stands.")
    progress: int = strawberry.field(description="Progress in percent, 0 to 100.")
    version: int = strawberry.field(description="Changes with every update; send it back.")
    created_at: dt.datetime = strawberry.field(description="When it was assigned (UTC).")
    updated_at: dt.datetime = strawberry.field(description="Last change (UTC).")
    responsibility_id: strawberry.Private[int]
    programme_id: strawberry.Private[int]
    agreement_id: strawberry.Private[int | None]
    assignee_party_id: strawberry.Private[int]

    @classmethod
    def from_row(cls, row: Any) -> Responsibility:
        return cls(
            id=to_global_id("Responsibility", row.id),
            title=row.title,
            description=row.description,
            due_on=row.due_on,
            status=ResponsibilityStatus(row.status),
            progress=row.progress,
            version=row.version,
            created_at=row.created_at,
            updated_at=row.updated_at,
            responsibility_id=row.id,
            programme_id=row.programme_id,
            agreement_id=row.agreement_id,
            assignee_party_id=row.assignee_party_id,
        )

    @strawberry.field(description="Past its due day and neither done nor cancelled (UTC day).")
    def overdue(self) -> bool:
        return is_overdue(self.due_on, self.status, today())

    @strawberry.field(description="What the policy lets you do to it now.")
    def viewer_can(self, info: Info) -> ResponsibilityActions:
        principal = info.context.principal
        open_ = self.status in OPEN_STATUSES
        return ResponsibilityActions(
            update_responsibility_progress=may(principal, "updateResponsibilityProgress", self)
            and open_,
            cancel_responsibility=may(principal, "cancelResponsibility", self) and open_,
            raise_escalation=may(principal, "raiseEscalation", self),
        )

    programme = to_one(
        Programme, ld.ProgrammeByIdLoader, "programme_id", "The programme it belongs to."
    )
    agreement = to_one(
        Agreement, ld.AgreementByIdLoader, "agreement_id", "The agreement it carries out, if any."
    )
    assignee = to_one(Party, PartyByIdLoader, "assignee_party_id", "The party responsible.")

    @strawberry.field(description="Its history of progress reports, oldest first.")
    async def updates(
        self, info: Info, first: First = None, after: After = None
    ) -> Connection[ProgressUpdate]:
        return await paged(
            info,
            ld.UpdatesByResponsibilityLoader,
            self.responsibility_id,
            ProgressUpdate.from_row,
            first,
            after,
        )

    @strawberry.field(description="Escalations raised about it.")
    async def escalations(
        self, info: Info, first: First = None, after: After = None
    ) -> Connection[Escalation]:
        return await paged(
            info,
            ld.EscalationsByResponsibilityLoader,
            self.responsibility_id,
            Escalation.from_row,
            first,
            after,
        )


@strawberry.federation.type(keys=["id"], description="One progress report on a responsibility.")
class ProgressUpdate(Node, Entity):
    at: dt.datetime = strawberry.field(description="When it was reported (UTC).")
    author: str = strawberry.field(description="Subject (user or client id) who reported it.")
    status: ResponsibilityStatus = strawberry.field(description="Status reported.")
    progress: int = strawberry.field(description="Progress reported, in percent.")
    note: str = strawberry.field(description="What the reporter said.")
    programme_id: strawberry.Private[int]
    responsibility_pk: strawberry.Private[int]
    author_party_id: strawberry.Private[int]

    @classmethod
    def from_row(cls, row: Any) -> ProgressUpdate:
        return cls(
            id=to_global_id("ProgressUpdate", row.id),
            at=row.at,
            author=row.author_sub,
            status=ResponsibilityStatus(row.status),
            progress=row.progress,
            note=row.note,
            programme_id=row.programme_id,
            responsibility_pk=row.responsibility_id,
            author_party_id=row.author_party_id,
        )

    author_party = to_one(
        Party, PartyByIdLoader, "author_party_id", "The party the author acted for."
    )
    responsibility = to_one(
        Responsibility,
        ld.ResponsibilityByIdLoader,
        "responsibility_pk",
        "The responsibility reported on.",
    )


@strawberry.federation.type(
    keys=["id"], description="A difficulty raised by one party to another, until resolved."
)
class Escalation(Node, Entity):
    subject: str = strawberry.field(description="The difficulty in a line.")
    description: str = strawberry.field(description="The difficulty in detail.")
    status: EscalationStatus = strawberry.field(description="Open, acknowledged or resolved.")
    resolution: str | None = strawberry.field(description="How it was resolved.")
    raised_at: dt.datetime = strawberry.field(description="When it was raised (UTC).")
    acknowledged_at: dt.datetime | None = strawberry.field(description="When acknowledged.")
    resolved_at: dt.datetime | None = strawberry.field(description="When resolved.")
    version: int = strawberry.field(description="Changes with every update; send it back.")
    programme_id: strawberry.Private[int]
    responsibility_pk: strawberry.Private[int | None]
    raised_by_party_id: strawberry.Private[int]
    addressed_to_party_id: strawberry.Private[int]

    @classmethod
    def from_row(cls, row: Any) -> Escalation:
        return cls(
            id=to_global_id("Escalation", row.id),
            subject=row.subject,
            description=row.description,
            status=EscalationStatus(row.status),
            resolution=row.resolution,
            raised_at=row.raised_at,
            acknowledged_at=row.acknowledged_at,
            resolved_at=row.resolved_at,
            version=row.version,
            programme_id=row.programme_id,
            responsibility_pk=row.responsibility_id,
            raised_by_party_id=row.raised_by_party_id,
            addressed_to_party_id=row.addressed_to_party_id,
        )

    @strawberry.field(description="What the policy lets you do to it now.")
    def viewer_can(self, info: Info) -> EscalationActions:
        principal = info.context.principal
        return EscalationActions(
            acknowledge_escalation=may(principal, "acknowledgeEscalation", self)
            and self.status == EscalationStatus.OPEN,
            resolve_escalation=may(principal, "resolveEscalation", self)
            and self.status != EscalationStatus.RESOLVED,
        )

    programme = to_one(
        Programme, ld.ProgrammeByIdLoader, "programme_id", "The programme concerned."
    )
    responsibility = to_one(
        Responsibility,
        ld.ResponsibilityByIdLoader,
        "responsibility_pk",
        "The responsibility concerned, if any.",
    )
    raised_by = to_one(Party, PartyByIdLoader, "raised_by_party_id", "The party that raised it.")
    addressed_to = to_one(
        Party, PartyByIdLoader, "addressed_to_party_id", "The party it is addressed to."
    )


register_node("Responsibility", ld.ResponsibilityByIdLoader, Responsibility.from_row)
register_node("ProgressUpdate", ld.ProgressUpdateByIdLoader, ProgressUpdate.from_row)
register_node("Escalation", ld.EscalationByIdLoader, Escalation.from_row)
