"""The AuditEvent type and the trail's root field."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

import strawberry
from sqlalchemy import Select
from strawberry.scalars import JSON

from auth.principal import Principal
from stakeholders.audit.models import AuditEvent as AuditEventModel
from stakeholders.common.access import readable_select
from stakeholders.common.loading import ByKey, fetch_page
from stakeholders.common.relay import (
    After,
    Connection,
    First,
    Node,
    page_request,
    to_connection,
    to_global_id,
)
from stakeholders.common.resolvers import Entity, Info, register_node, to_one
from stakeholders.db import table_of
from stakeholders.parties.loaders import PartyByIdLoader
from stakeholders.parties.types import Party

__all__ = ["AuditEvent", "AuditQuery"]

EVENTS = table_of(AuditEventModel)


def readable_events(principal: Principal) -> Select[Any]:
    return readable_select("AuditEvent", EVENTS, principal)


class AuditEventByIdLoader(ByKey):
    table = EVENTS
    readable = readable_events


@strawberry.federation.type(keys=["id"], description="One accepted change: who, when, what.")
class AuditEvent(Node, Entity):
    at: dt.datetime = strawberry.field(description="When it happened (UTC).")
    actor: str = strawberry.field(description="Subject (user or client id) who acted.")
    action: str = strawberry.field(description="The mutation, e.g. assignResponsibility.")
    entity_type: str = strawberry.field(description="Type of the changed object.")
    entity_id: strawberry.ID = strawberry.field(description="Global ID of the changed object.")
    before: JSON | None = strawberry.field(description="Stored state before the change.")
    after: JSON | None = strawberry.field(description="Stored state after the change.")
    hash: str = strawberry.field(description="Chain hash (SHA-256) over this and the previous.")
    actor_party_id: strawberry.Private[int | None]
    programme_id: strawberry.Private[int | None]

    @classmethod
    def from_row(cls, row: Any) -> AuditEvent:
        return cls(
            id=to_global_id("AuditEvent", row.id),
            at=row.at,
            actor=row.actor_sub,
            action=row.action,
            entity_type=row.entity_type,
            entity_id=strawberry.ID(row.entity_id),
            before=row.before,
            after=row.after,
            hash=row.hash,
            actor_party_id=row.actor_party_id,
            programme_id=row.programme_id,
        )

    actor_party = to_one(Party, PartyByIdLoader, "actor_party_id", "The party the actor acted for.")


register_node("AuditEvent", AuditEventByIdLoader, AuditEvent.from_row)


@strawberry.type
class AuditQuery:
    @strawberry.field(description="The audit trail, oldest first, optionally for one object.")
    async def audit_events(
        self,
        info: Info,
        first: First = None,
        after: After = None,
        entity_id: Annotated[
            strawberry.ID | None,
            strawberry.argument(description="Only events about the object with this global ID."),
        ] = None,
        action: Annotated[
            str | None,
            strawberry.argument(description="Only events of this mutation, e.g. signAgreement."),
        ] = None,
    ) -> Connection[AuditEvent] | None:
        request = page_request(first, after, info.context.max_page_size)
        stmt = readable_events(info.context.principal)
        if entity_id is not None:
            stmt = stmt.where(EVENTS.c.entity_id == str(entity_id))
        if action is not None:
            stmt = stmt.where(EVENTS.c.action == action)
        page = await fetch_page(info.context.loaders, stmt, EVENTS, request)
        return to_connection(page, AuditEvent.from_row)
