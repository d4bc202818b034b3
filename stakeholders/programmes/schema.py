"""The coordination core's root query fields."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

import strawberry

from stakeholders.common.loading import fetch_page
from stakeholders.common.relay import After, Connection, First, page_request, to_connection
from stakeholders.common.resolvers import Info
from stakeholders.errors import BadInput
from stakeholders.programmes import repository as repo
from stakeholders.programmes.enums import EscalationStatus, ProgrammeStatus, ResponsibilityStatus
from stakeholders.programmes.filters import EscalationFilter, ResponsibilityFilter
from stakeholders.programmes.loaders import ProgrammeByCodeLoader
from stakeholders.programmes.types import Programme
from stakeholders.programmes.work_types import Escalation, Responsibility

__all__ = ["ProgrammeQuery"]

ProgrammeCode = Annotated[
    str | None, strawberry.argument(description="Only under the programme with this code.")
]


async def _programme_id(info: Info, code: str | None) -> int | None:
    if code is None:
        return None
    row = await info.context.loaders.get(ProgrammeByCodeLoader).load(code)
    if row is None:
        raise BadInput(f"no programme you may see has the code {code!r}", field="programme")
    return int(row.id)


@strawberry.type
class ProgrammeQuery:
    @strawberry.field(description="Programmes you may see, in id order.")
    async def programmes(
        self,
        info: Info,
        first: First = None,
        after: After = None,
        status: list[ProgrammeStatus] | None = None,
    ) -> Connection[Programme] | None:
        request = page_request(first, after, info.context.max_page_size)
        stmt = repo.readable_programmes(info.context.principal)
        if status is not None:
            stmt = stmt.where(repo.PROGRAMMES.c.status.in_([s.value for s in status]))
        page = await fetch_page(info.context.loaders, stmt, repo.PROGRAMMES, request)
        return to_connection(page, Programme.from_row)

    @strawberry.field(description="The programme with this code, if you may see it.")
    async def programme(self, info: Info, code: str) -> Programme | None:
        row = await info.context.loaders.get(ProgrammeByCodeLoader).load(code)
        return Programme.from_row(row) if row else None

    @strawberry.field(description="Responsibilities you may see, across programmes.")
    async def responsibilities(
        self,
        info: Info,
        first: First = None,
        after: After = None,
        programme: ProgrammeCode = None,
        assignee: Annotated[str | None, strawberry.argument(description="Party code.")] = None,
        status: list[ResponsibilityStatus] | None = None,
        overdue: bool | None = None,
        due_before: dt.date | None = None,
    ) -> Connection[Responsibility] | None:
        request = page_request(first, after, info.context.max_page_size)
        row_filter = await ResponsibilityFilter.build(info, assignee, status, overdue, due_before)
        table = repo.RESPONSIBILITIES
        stmt = repo.readable_responsibilities(info.context.principal)
        stmt = stmt.where(*row_filter.clauses(table))
        programme_id = await _programme_id(info, programme)
        if programme_id is not None:
            stmt = stmt.where(table.c.programme_id == programme_id)
        page = await fetch_page(info.context.loaders, stmt, table, request)
        return to_connection(page, Responsibility.from_row)

    @strawberry.field(description="Escalations you raised, received or oversee.")
    async def escalations(
        self,
        info: Info,
        first: First = None,
        after: After = None,
        programme: ProgrammeCode = None,
        status: list[EscalationStatus] | None = None,
    ) -> Connection[Escalation] | None:
        request = page_request(first, after, info.context.max_page_size)
        table = repo.ESCALATIONS
        stmt = repo.readable_escalations(info.context.principal)
        stmt = stmt.where(*EscalationFilter.of(status).clauses(table))
        programme_id = await _programme_id(info, programme)
        if programme_id is not None:
            stmt = stmt.where(table.c.programme_id == programme_id)
        page = await fetch_page(info.context.loaders, stmt, table, request)
        return to_connection(page, Escalation.from_row)
