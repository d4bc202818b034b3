"""The one GROUP BY of a request over a subject: the dimensions asked for, every measure the
indicators need, one column per target, and per access rule the rows outside the caller's
unsuppressed scope (so a cell knows whether the caller may read it raw)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Select,
    and_,
    case,
    func,
    literal,
    literal_column,
    not_,
    or_,
    select,
)
from sqlalchemy.ext.asyncio import AsyncSession

from auth.policy import EVERY_KEY, RowFilter
from stakeholders.common.access import in_keys
from stakeholders.observatory.dimensions import Dimension
from stakeholders.observatory.sources import Build, Subject

__all__ = ["Group", "Target", "group_rows", "statement"]


@dataclass(frozen=True)
class Target:
    """A programme's target for a period, as its programme document holds it."""

    programme_id: int
    metric: str
    period_start: dt.date
    period_end: dt.date
    value: int

    @property
    def label(self) -> str:
        return f"{self.metric}:{self.period_start.isoformat()}..{self.period_end.isoformat()}"


@dataclass(frozen=True)
class Group:
    """One row of the GROUP BY."""

    programme_id: int
    dims: tuple[str | None, ...]
    measures: dict[str, Any]
    achieved: tuple[int, ...]
    outside: dict[str, int]


def _outside(subject: Subject, scope: RowFilter, dialect: str) -> ColumnElement[Any]:
    """How many of a group's rows the caller may not read unsuppressed."""
    if scope is EVERY_KEY:
        return literal(0)
    assert isinstance(scope, list)
    facts = subject.facts()
    inside = or_(*(in_keys(facts[col], keys, dialect) for col, keys in scope)) if scope else None
    if inside is None:
        return func.count()
    return func.coalesce(func.sum(case((not_(inside), 1), else_=0)), 0)


def _achieved(subject: Subject, build: Build, target: Target) -> ColumnElement[Any]:
    measure = subject.targets[target.metric]
    within = and_(
        subject.programme_id == target.programme_id,
        subject.period >= target.period_start,
        subject.period <= target.period_end,
        measure.condition(build),
    )
    if measure.distinct is not None:
        return func.count(func.distinct(case((within, measure.distinct(build)))))
    return func.coalesce(func.sum(case((within, 1), else_=0)), 0)


def statement(
    subject: Subject,
    *,
    by: Sequence[Dimension],
    measures: Sequence[str],
    targets: Sequence[Target],
    scopes: dict[str, RowFilter],
    programme_ids: Sequence[int],
    since: dt.date | None,
    until: dt.date | None,
    dialect: str,
    today: dt.date,
) -> Select[Any]:
    """The GROUP BY, in SQLAlchemy Core, for SQLite and PostgreSQL alike."""
    build = Build(dialect, today)
    subject.joins(build)
    dims = [subject.dimensions[d](build).label(f"d{i}") for i, d in enumerate(by)]
    values = [subject.measures[m](build).label(f"m{i}") for i, m in enumerate(measures)]
    achieved = [_achieved(subject, build, t).label(f"t{i}") for i, t in enumerate(targets)]
    outside = [_outside(subject, s, dialect).label(f"o{i}") for i, s in enumerate(scopes.values())]
    source: Any = subject.table
    for target, on, outer in build.joins.values():
        source = source.join(target, on, isouter=outer)
    where = [in_keys(subject.programme_id, programme_ids, dialect)]
    if since is not None:
        where.append(subject.period >= since)
    if until is not None:
        where.append(subject.period <= until)
    pid = subject.programme_id.label("pid")
    return (
        select(pid, *dims, *values, *achieved, *outside)
        .select_from(source)
        .where(*where)
        # By position: PostgreSQL would not match an expression repeated with its own bound
        # parameters (a date pattern) to the one selected.
        .group_by(*(literal_column(str(i + 1)) for i in range(1 + len(dims))))
    )


async def group_rows(
    session: AsyncSession,
    subject: Subject,
    *,
    by: Sequence[Dimension],
    measures: Sequence[str],
    targets: Sequence[Target],
    scopes: dict[str, RowFilter],
    **filters: Any,
) -> list[Group]:
    """Run the GROUP BY; each row as a Group."""
    stmt = statement(subject, by=by, measures=measures, targets=targets, scopes=scopes, **filters)
    result = await session.execute(stmt)
    groups = []
    n, m, t = len(by), len(measures), len(targets)
    for row in result.all():
        cells = tuple(row)
        groups.append(
            Group(
                programme_id=int(cells[0]),
                dims=tuple(None if v is None else str(v) for v in cells[1 : 1 + n]),
                measures=dict(zip(measures, cells[1 + n : 1 + n + m], strict=True)),
                achieved=tuple(int(v or 0) for v in cells[1 + n + m : 1 + n + m + t]),
                outside={
                    a: int(v or 0) for a, v in zip(scopes, cells[1 + n + m + t :], strict=True)
                },
            )
        )
    return groups
