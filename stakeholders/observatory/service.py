"""Indicator cells for a caller: computed in the database, then published as the policy says
(auth.rules.observatory): raw in the caller's own scope, suppressed elsewhere."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from auth.policy import EVERY_KEY, indicator_filter
from auth.principal import Principal
from stakeholders.errors import BadInput
from stakeholders.observatory.compute import Group, Target, covering, group_rows
from stakeholders.observatory.definitions import INDICATORS, TARGET_ATTAINMENT, Indicator
from stakeholders.observatory.dimensions import PERIODS, Dimension
from stakeholders.observatory.sources import SUBJECTS
from stakeholders.observatory.suppression import Grid, suppress
from stakeholders.programmes.filters import today
from stakeholders.programmes.repository import readable_programmes

__all__ = [
    "Cell",
    "IndicatorQuery",
    "ProgrammeFacts",
    "indicator_cells",
    "period_span",
    "readable_indicators",
]

# Dimensions along which totals add up (a cell's programme and target are never summed over).
UNSUMMED = frozenset({Dimension.PROGRAMME, Dimension.TARGET})


@dataclass(frozen=True)
class IndicatorQuery:
    """What `indicators(programme:, codes:, by:, from:, to:)` asks."""

    programme: str | None = None
    codes: tuple[str, ...] | None = None
    by: tuple[Dimension, ...] = ()
    since: dt.date | None = None
    until: dt.date | None = None


@dataclass(frozen=True)
class ProgrammeFacts:
    id: int
    code: str
    name: str
    currency: str
    targets: tuple[Target, ...]


@dataclass
class Cell:
    """One value of one indicator for one combination of dimension values."""

    indicator: str
    programme: str
    dimensions: tuple[tuple[Dimension, str | None], ...]
    numerator: float | None
    denominator: float | None
    value: float | None
    size: float = field(repr=False)
    # Rows of the cell outside the caller's unsuppressed scope (0: the caller reads it raw),
    # and the part of its size they make (what the caller cannot know of it).
    outside: int = field(repr=False)
    outside_size: float = field(repr=False)
    suppressed: bool = False

    @property
    def known(self) -> bool:
        return self.outside == 0


async def indicator_cells(
    session: AsyncSession,
    principal: Principal,
    query: IndicatorQuery,
    *,
    dialect: str,
    min_cell_size: int,
    on: dt.date | None = None,
) -> list[Cell]:
    """The cells of the indicators asked for, one GROUP BY per subject counted."""
    by = _dimensions(query.by)
    programmes = await _programmes(session, principal, query.programme)
    chosen = _chosen(query.codes, by)
    cells: list[Cell] = []
    for subject_name in dict.fromkeys(i.subject for i in chosen):
        indicators = [i for i in chosen if i.subject == subject_name]
        cells += await _subject_cells(
            session,
            principal,
            indicators,
            by,
            programmes,
            query,
            dialect=dialect,
            on=on or today(),
        )
    for indicator in chosen:
        _publish([c for c in cells if c.indicator == indicator.code], min_cell_size)
    return cells


def readable_indicators(principal: Principal, programme_ids: Sequence[int]) -> list[Indicator]:
    """The indicators the caller may read for at least one of these programmes."""
    return [i for i in INDICATORS.values() if _readable_in(principal, i, programme_ids)]


def _dimensions(by: Sequence[Dimension]) -> tuple[Dimension, ...]:
    if Dimension.TARGET in by:
        raise BadInput("TARGET comes with TARGET_ATTAINMENT on its own", field="by")
    return tuple(dict.fromkeys((Dimension.PROGRAMME, *by)))


def _chosen(codes: Sequence[str] | None, by: Sequence[Dimension]) -> list[Indicator]:
    if codes is None:
        return [i for i in INDICATORS.values() if set(by) <= i.dimensions]
    unknown = [c for c in codes if c not in INDICATORS]
    if unknown:
        raise BadInput(f"no indicator is named {', '.join(unknown)}", field="codes")
    chosen = [INDICATORS[c] for c in dict.fromkeys(codes)]
    for indicator in chosen:
        extra = sorted(set(by) - indicator.dimensions)
        if extra:
            raise BadInput(f"{indicator.code} is not broken down by {', '.join(extra)}", field="by")
    return chosen


async def _programmes(
    session: AsyncSession, principal: Principal, code: str | None
) -> dict[int, ProgrammeFacts]:
    stmt = readable_programmes(principal)
    if code is not None:
        stmt = stmt.where(stmt.selected_columns.code == code)
    rows = (await session.execute(stmt)).all()
    if code is not None and not rows:
        raise BadInput(f"no programme you may see has the code {code!r}", field="programme")
    return {row.id: _facts(row) for row in rows}


def _facts(row: Any) -> ProgrammeFacts:
    targets = tuple(
        Target(
            row.id,
            t["metric"],
            dt.date.fromisoformat(t["periodStart"]),
            dt.date.fromisoformat(t["periodEnd"]),
            int(t["value"]),
        )
        for t in row.targets or []
    )
    return ProgrammeFacts(row.id, row.code, row.name, row.currency, targets)


def _readable_in(principal: Principal, indicator: Indicator, programme_ids: Sequence[int]) -> bool:
    return bool(_readable_programmes(principal, indicator, programme_ids))


def _readable_programmes(
    principal: Principal, indicator: Indicator, programme_ids: Sequence[int]
) -> list[int]:
    """Who reads an indicator is tested on the programme of its cells (auth.rules.observatory)."""
    readers = indicator_filter(principal, indicator.access, "readers")
    if readers is EVERY_KEY:
        return list(programme_ids)
    assert isinstance(readers, list)
    assert all(column == "programme_id" for column, _ in readers), "readers test programmes"
    keys = frozenset().union(*(k for _, k in readers))
    return [p for p in programme_ids if p in keys]


async def _subject_cells(
    session: AsyncSession,
    principal: Principal,
    indicators: list[Indicator],
    by: tuple[Dimension, ...],
    programmes: dict[int, ProgrammeFacts],
    query: IndicatorQuery,
    *,
    dialect: str,
    on: dt.date,
) -> list[Cell]:
    subject = SUBJECTS[indicators[0].subject]
    allowed = {
        i.code: set(_readable_programmes(principal, i, list(programmes))) for i in indicators
    }
    programme_ids = sorted(set().union(*allowed.values()))
    if not programme_ids:
        return []
    measures = sorted(
        {
            m
            for i in indicators
            for m in (i.numerator_measure, i.denominator_measure, i.size)
            if m is not None
        }
    )
    targets = [
        t
        for p in programme_ids
        for t in programmes[p].targets
        if t.metric in subject.targets and any(i.code == TARGET_ATTAINMENT for i in indicators)
    ]
    accesses = sorted({i.access for i in indicators})
    scopes = {
        a: covering(indicator_filter(principal, a, "unsuppressed"), subject, programme_ids)
        for a in accesses
    }
    sizes = sorted({(i.access, i.size) for i in indicators if i.code != TARGET_ATTAINMENT})
    attainment = [i for i in indicators if i.code == TARGET_ATTAINMENT]
    groups = await group_rows(
        session,
        subject,
        by=by,
        measures=measures,
        targets=targets,
        sizes=sizes,
        target_access=attainment[0].access if attainment else None,
        scopes=scopes,
        programme_ids=programme_ids,
        since=query.since,
        until=query.until,
        dialect=dialect,
        today=on,
    )
    cells: list[Cell] = []
    for indicator in indicators:
        for group in groups:
            if group.programme_id in allowed[indicator.code]:
                cells += _cells_of(indicator, group, by, programmes, targets)
    return cells


def _cells_of(
    indicator: Indicator,
    group: Group,
    by: tuple[Dimension, ...],
    programmes: dict[int, ProgrammeFacts],
    targets: list[Target],
) -> list[Cell]:
    programme = programmes[group.programme_id].code
    rest = (d for d in by if d is not Dimension.PROGRAMME)
    dims = ((Dimension.PROGRAMME, programme), *zip(rest, group.dims, strict=True))
    outside = group.outside[indicator.access]
    if indicator.code == TARGET_ATTAINMENT:
        return [
            _cell(
                indicator,
                programme,
                (*dims, (Dimension.TARGET, t.label)),
                achieved,
                t.value,
                (outside, beyond),
            )
            for t, achieved, beyond in zip(
                targets, group.achieved, group.achieved_outside, strict=True
            )
            if t.programme_id == group.programme_id and _overlaps(dims, t)
        ]
    numerator = group.measures[indicator.numerator_measure]
    denominator = (
        group.measures[indicator.denominator_measure] if indicator.denominator_measure else None
    )
    beyond = group.outside_sizes[(indicator.access, indicator.size)]
    cell = _cell(indicator, programme, dims, numerator, denominator, (outside, beyond))
    cell.size = float(group.measures[indicator.size] or 0)
    return [cell]


def _overlaps(dims: tuple[tuple[Dimension, str | None], ...], target: Target) -> bool:
    """Whether the cell's period (if it has one) meets the target's: a 2027 target has
    nothing to say of the cells of 2025."""
    for dimension, label in dims:
        if dimension in PERIODS and label is not None:
            first, last = period_span(dimension, label)
            if last < target.period_start or first > target.period_end:
                return False
    return True


def period_span(dimension: Dimension, label: str) -> tuple[dt.date, dt.date]:
    """The first and last day of a period label (2025, 2025-Q2, 2025-06)."""
    year = int(label[:4])
    if dimension is Dimension.YEAR:
        return dt.date(year, 1, 1), dt.date(year, 12, 31)
    if dimension is Dimension.QUARTER:
        first_month = 3 * (int(label[-1]) - 1) + 1
        months = (first_month, first_month + 2)
    else:
        months = (int(label[5:7]), int(label[5:7]))
    end = dt.date(year + (months[1] == 12), months[1] % 12 + 1, 1) - dt.timedelta(days=1)
    return dt.date(year, months[0], 1), end


def _cell(
    indicator: Indicator,
    programme: str,
    dims: tuple[tuple[Dimension, str | None], ...],
    numerator: Any,
    denominator: Any,
    outside: tuple[int, float],
) -> Cell:
    num = float(numerator or 0)
    den = (
        None
        if indicator.denominator is None
        else (None if denominator is None else float(denominator))
    )
    if indicator.denominator is None:
        value: float | None = num * indicator.factor
    else:
        value = round(num * indicator.factor / den, 4) if den else None
    size = num if indicator.denominator_measure is None else float(den or 0)
    return Cell(indicator.code, programme, dims, num, den, value, size, *outside)


def _publish(cells: list[Cell], minimum: int) -> None:
    """Suppress what the caller may not read raw (suppression's docstring says how)."""
    if not cells or all(c.known for c in cells):
        return
    dims = [d for d, _ in cells[0].dimensions]
    grid = Grid(
        keys=[(c.programme, *(v for _, v in c.dimensions)) for c in cells],
        sizes=[c.size for c in cells],
        outside=[c.outside for c in cells],
        outside_sizes=[c.outside_size for c in cells],
        line_axes=[i + 1 for i, d in enumerate(dims) if d not in UNSUMMED],
    )
    for i in suppress(grid, minimum):
        cell = cells[i]
        cell.numerator = cell.denominator = cell.value = None
        cell.suppressed = True
