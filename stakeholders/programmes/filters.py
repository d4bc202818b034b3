"""List filters of the coordination core, hashable so that they key the page loaders."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, Table, and_, not_

from stakeholders.common.loading import RowFilter
from stakeholders.common.resolvers import Info
from stakeholders.errors import BadInput
from stakeholders.parties.loaders import PartyByCodeLoader
from stakeholders.programmes.enums import EscalationStatus, ResponsibilityStatus

__all__ = ["OPEN_STATUSES", "EscalationFilter", "ResponsibilityFilter", "is_overdue", "today"]

# A responsibility that is done or cancelled can no longer be late.
OPEN_STATUSES = frozenset(
    {ResponsibilityStatus.PLANNED, ResponsibilityStatus.IN_PROGRESS, ResponsibilityStatus.BLOCKED}
)


def today() -> dt.date:
    return dt.datetime.now(dt.UTC).date()


def is_overdue(due_on: dt.date | None, status: str, on: dt.date) -> bool:
    return due_on is not None and due_on < on and status in OPEN_STATUSES


@dataclass(frozen=True)
class ResponsibilityFilter(RowFilter):
    assignee_party_id: int | None = None
    statuses: tuple[str, ...] | None = None
    overdue: bool | None = None
    due_before: dt.date | None = None
    on: dt.date | None = None

    @classmethod
    async def build(
        cls,
        info: Info,
        assignee: str | None,
        status: Sequence[ResponsibilityStatus] | None,
        overdue: bool | None,
        due_before: dt.date | None,
    ) -> ResponsibilityFilter:
        party_id = None
        if assignee is not None:
            row = await info.context.loaders.get(PartyByCodeLoader).load(assignee)
            if row is None:
                raise BadInput(f"no party has the code {assignee!r}", field="assignee")
            party_id = row.id
        return cls(
            assignee_party_id=party_id,
            statuses=tuple(sorted(s.value for s in status)) if status is not None else None,
            overdue=overdue,
            due_before=due_before,
            on=today() if overdue is not None else None,
        )

    def clauses(self, table: Table) -> list[ColumnElement[bool]]:
        c = table.c
        out: list[ColumnElement[bool]] = []
        if self.assignee_party_id is not None:
            out.append(c.assignee_party_id == self.assignee_party_id)
        if self.statuses is not None:
            out.append(c.status.in_(self.statuses))
        if self.due_before is not None:
            out.append(c.due_on < self.due_before)
        if self.overdue is not None:
            late = and_(c.due_on < self.on, c.status.in_(sorted(OPEN_STATUSES)))
            out.append(late if self.overdue else not_(late) | c.due_on.is_(None))
        return out


@dataclass(frozen=True)
class EscalationFilter(RowFilter):
    statuses: tuple[str, ...] | None = None

    @classmethod
    def of(cls, status: Sequence[EscalationStatus] | None) -> EscalationFilter:
        return cls(tuple(sorted(s.value for s in status)) if status is not None else None)

    def clauses(self, table: Table) -> list[ColumnElement[Any]]:
        return [] if self.statuses is None else [table.c.status.in_(self.statuses)]
