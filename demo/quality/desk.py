"""How the demo takes each step of quality: at the moment it happened (the quality clock set
to it), as the person the policy lets take it (checked against auth.policy, the programme in
the state it was in then), its rows dated to that moment afterwards.

Quality's services stamp their own dates from `stakeholders.quality.calendar.now` (a label's
grant, an application's submission, a review's): `moment` sets that clock for one step, so
that a label granted in 2019 carries 2019 and expired in 2022. The columns the ORM stamps by
itself (created_at, updated_at) are set to the same moments at the end, in one statement per
table, as demo/funding.py dates its rows; the audit events keep the moment of the load.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import bindparam, update
from sqlalchemy.ext.asyncio import AsyncSession

from auth.errors import Forbidden
from auth.policy import authorize, closed_reason
from auth.principal import Principal
from auth.roles import Role
from demo.acting import acting_for
from stakeholders.db import Base
from stakeholders.programmes.models import Programme
from stakeholders.quality import calendar

__all__ = ["Desk", "moment"]

# Columns that say when a row was made, and when it last changed, by table.
CREATED = ("created_at", "declared_at", "added_at", "at")
CHANGED = ("updated_at",)


@contextmanager
def moment(when: dt.datetime) -> Iterator[None]:
    """Quality's clock at `when` for the steps inside, restored after (the loader runs alone:
    nothing else reads the clock meanwhile)."""
    saved = calendar.now
    calendar.now = lambda: when
    try:
        yield
    finally:
        calendar.now = saved


def state_on(programme: Programme, day: dt.date) -> str:
    """The programme's state on `day`: what the lifecycle rules judged a step by then."""
    if programme.status == "DRAFT" or day < programme.starts_on:
        return "DRAFT"
    if programme.status == "CLOSED" and programme.ends_on is not None and day > programme.ends_on:
        return "CLOSED"
    return "ACTIVE"


@dataclass
class Desk:
    """The people who act, the programmes they act in, and the moments their rows carry."""

    session: AsyncSession
    programmes: dict[int, Programme]
    people: dict[tuple[str, Role, int], Principal] = field(default_factory=dict)
    made: dict[tuple[Any, int], dt.datetime] = field(default_factory=dict)
    changed: dict[tuple[Any, int], dt.datetime] = field(default_factory=dict)

    async def person(self, party: str, role: Role, n: int = 1) -> Principal:
        key = (party, role, n)
        if key not in self.people:
            self.people[key] = await acting_for(self.session, party, role, n)
        return self.people[key]

    def check(self, who: Principal, action: str, target: Any, when: dt.datetime) -> None:
        """What run_mutation checks before the service runs, the programme as it was then."""
        programme = self.programmes.get(getattr(target, "programme_id", -1))
        if programme is not None:
            states = {**who.programme_states, programme.id: state_on(programme, when.date())}
            who = dataclasses.replace(who, programme_states=states)
        authorize(who, action, target)
        reason = closed_reason(who, action, target)
        if reason is not None:
            raise Forbidden(reason)

    def dated(self, row: Base, when: dt.datetime) -> None:
        """`row` made at `when` if first seen, changed at `when` in any case."""
        key = (row.__table__, row.id)  # type: ignore[attr-defined]
        self.made.setdefault(key, when)
        self.changed[key] = when

    async def stamp(self) -> None:
        """Every dated row's own columns set to its moments, one executemany per table."""
        for moments, names in ((self.made, CREATED), (self.changed, CHANGED)):
            by_table: dict[Any, list[dict[str, Any]]] = {}
            for (table, pk), when in moments.items():
                by_table.setdefault(table, []).append({"b_pk": pk, "b_at": when})
            for table, rows in by_table.items():
                for name in (n for n in names if n in table.c):
                    stmt = (
                        update(table)
                        .where(table.c.id == bindparam("b_pk"))
                        .values({name: bindparam("b_at")})
                    )
                    await self.session.execute(stmt, rows)
        self.made.clear()
        self.changed.clear()
