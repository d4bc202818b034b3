"""The work the HTTP benches read: at least 10 programmes of 20 responsibilities each.

The demo has five programmes of about 10 responsibilities: the bench tops each up to 20 and
adds programmes of its own until there are 10, so that `programmes(first: 10)` with
`responsibilities(first: 20)` reads full pages (200 responsibilities with their assignees).
Rows are added as a migration would, without audit events: the benches only read them.
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Iterator, Sequence

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from stakeholders.parties.models import Party
from stakeholders.programmes.enums import ProgrammeStatus, ResponsibilityStatus
from stakeholders.programmes.models import Programme, Responsibility

__all__ = ["DUTIES", "PROGRAMMES", "add_programme_work"]

PROGRAMMES, DUTIES = 10, 20
# Mixed, as on a programme's dashboard: the answer is not one repeated status.
STATUSES = (
    ResponsibilityStatus.PLANNED,
    ResponsibilityStatus.IN_PROGRESS,
    ResponsibilityStatus.BLOCKED,
    ResponsibilityStatus.DONE,
)


async def add_programme_work(session: AsyncSession) -> None:
    """Programmes up to PROGRAMMES, each with at least DUTIES responsibilities; flushes."""
    parties = list(await session.scalars(select(Party.id).order_by(Party.id)))
    assert parties, "the bench's programmes need parties to own and carry them out"
    await _add_programmes(session, owner=parties[0])
    assignees = itertools.cycle(parties)
    for programme_id, held in await _duties_held(session):
        _add_duties(session, programme_id, range(held + 1, DUTIES + 1), assignees)
    await session.flush()


async def _add_programmes(session: AsyncSession, *, owner: int) -> None:
    count = int(await session.scalar(select(func.count(Programme.id))) or 0)
    for n in range(count + 1, PROGRAMMES + 1):
        session.add(
            Programme(
                code=f"BENCH-WORK-{n:02}",
                name=f"Bench programme {n}",
                owner_party_id=owner,
                status=ProgrammeStatus.ACTIVE,
                starts_on=dt.date(2026, 1, 1),
                currency="EUR",
            )
        )
    await session.flush()


async def _duties_held(session: AsyncSession) -> Sequence[tuple[int, int]]:
    counted = (
        select(Programme.id, func.count(Responsibility.id))
        .outerjoin(Responsibility, Responsibility.programme_id == Programme.id)
        .group_by(Programme.id)
        .order_by(Programme.id)
    )
    return [(programme_id, int(held)) for programme_id, held in await session.execute(counted)]


def _add_duties(
    session: AsyncSession, programme_id: int, numbers: range, assignees: Iterator[int]
) -> None:
    for n in numbers:
        session.add(
            Responsibility(
                programme_id=programme_id,
                assignee_party_id=next(assignees),
                title=f"Bench duty {n} of programme {programme_id}",
                status=STATUSES[n % len(STATUSES)],
                progress=(n * 7) % 101,
                created_by="bench",
            )
        )
