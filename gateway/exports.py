"""Streamed exports, CSV and NDJSON, under the policy GraphQL answers with.

`GET /exports/indicators.{csv,ndjson}` takes the arguments of `indicators` (programme, codes,
by, from, to; lists comma-separated) and answers its cells, suppressed as for the caller.
`GET /exports/enrollments.*` and `/exports/responsibilities.*` stream the rows the caller may
read (the types' `readable` selects), each field null where the field's rule refuses it, as
GraphQL resolves it to null. `accord export ...` writes the same from the command line.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import AsyncIterator, Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import orjson
from fastapi import APIRouter, Request
from fastapi.responses import Response, StreamingResponse
from sqlalchemy import Select, Subquery, Table, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from auth.policy import can_read_field
from auth.principal import Principal
from gateway.context import Hub
from gateway.http import error_response
from stakeholders.common.relay import to_global_id
from stakeholders.delivery.repository import COHORTS, readable_enrollments
from stakeholders.errors import AccordError, BadInput
from stakeholders.observatory.dimensions import Dimension
from stakeholders.observatory.service import Cell, IndicatorQuery, indicator_cells

# Loaded for what it registers: the facts outcomes adds to an enrolment's rules (a hire).
from stakeholders.outcomes import repository as _outcomes  # noqa: F401
from stakeholders.parties.repository import PARTIES
from stakeholders.programmes.filters import is_overdue, today
from stakeholders.programmes.repository import PROGRAMMES, readable_responsibilities

__all__ = ["FORMATS", "LISTS", "Listing", "indicator_records", "router", "serialise"]

router = APIRouter()
FORMATS = {"csv": "text/csv; charset=utf-8", "ndjson": "application/x-ndjson"}
BATCH = 1_000


@dataclass(frozen=True)
class Listing:
    """A list export: the GraphQL type whose rules apply, its fields, and its rows."""

    type_name: str
    # Each column and the field of the type whose rule decides it.
    columns: dict[str, str]
    select: Callable[[Principal, int | None], Select[Any]]
    record: Callable[[Any], dict[str, Any]]

    @property
    def fields(self) -> tuple[str, ...]:
        return tuple(self.columns)


def _coded(
    rows: Subquery, named: Table, key: str, label: str, programme_id: int | None
) -> Select[Any]:
    """`rows` in id order with their programme's code and, as `label`, the code of the `named`
    row their `key` column names; only those of one programme when it is given."""
    stmt = (
        select(rows, named.c.code.label(label), PROGRAMMES.c.code.label("programme_code"))
        .join(named, named.c.id == rows.c[key])
        .join(PROGRAMMES, PROGRAMMES.c.id == rows.c.programme_id)
        .order_by(rows.c.id)
    )
    return stmt if programme_id is None else stmt.where(rows.c.programme_id == programme_id)


def _enrollments(principal: Principal, programme_id: int | None) -> Select[Any]:
    rows = readable_enrollments(principal).subquery()
    return _coded(rows, COHORTS, "cohort_id", "cohort_code", programme_id)


def _enrollment(row: Any) -> dict[str, Any]:
    return {
        "id": to_global_id("Enrollment", row.id),
        "programme": row.programme_code,
        "cohort": row.cohort_code,
        "status": row.status,
        "failedRule": row.failed_rule,
        "reason": row.reason,
        "decidedAt": row.decided_at,
        "createdAt": row.created_at,
        "version": row.version,
    }


def _responsibilities(principal: Principal, programme_id: int | None) -> Select[Any]:
    rows = readable_responsibilities(principal).subquery()
    return _coded(rows, PARTIES, "assignee_party_id", "assignee_code", programme_id)


def _responsibility(row: Any) -> dict[str, Any]:
    return {
        "id": to_global_id("Responsibility", row.id),
        "programme": row.programme_code,
        "assignee": row.assignee_code,
        "title": row.title,
        "dueOn": row.due_on,
        "status": row.status,
        "progress": row.progress,
        "overdue": is_overdue(row.due_on, row.status, today()),
        "version": row.version,
        "updatedAt": row.updated_at,
    }


def _same(names: str) -> dict[str, str]:
    return {name: name for name in names.split()}


LISTS: dict[str, Listing] = {
    "enrollments": Listing(
        "Enrollment",
        # An enrolment's programme is its cohort's: the cohort's rule decides it.
        {
            "id": "id",
            "programme": "cohort",
            **_same("cohort status failedRule reason decidedAt createdAt version"),
        },
        _enrollments,
        _enrollment,
    ),
    "responsibilities": Listing(
        "Responsibility",
        _same("id programme assignee title dueOn status progress overdue version updatedAt"),
        _responsibilities,
        _responsibility,
    ),
}


async def list_count(
    session: AsyncSession, listing: Listing, principal: Principal, programme_id: int | None
) -> int:
    """How many rows the export will have (for a progress bar)."""
    stmt = listing.select(principal, programme_id).order_by(None).subquery()
    return int(await session.scalar(select(func.count()).select_from(stmt)) or 0)


async def list_records(
    session: AsyncSession, listing: Listing, principal: Principal, programme_id: int | None
) -> AsyncIterator[dict[str, Any]]:
    """The rows the caller may read, each field null where its rule refuses it."""
    result = await session.stream(listing.select(principal, programme_id))
    async for partition in result.partitions(BATCH):
        for row in partition:
            record = listing.record(row)
            yield {
                name: value
                if can_read_field(principal, listing.type_name, listing.columns[name], row)
                else None
                for name, value in record.items()
            }


def indicator_header(cells: Sequence[Cell], by: Sequence[Dimension]) -> list[str]:
    dims = [d.value.lower() for d in (Dimension.PROGRAMME, *by)]
    if any(c.indicator == "TARGET_ATTAINMENT" for c in cells):
        dims.append("target")
    return ["indicator", *dict.fromkeys(dims), "value", "numerator", "denominator", "suppressed"]


def indicator_records(cells: Iterable[Cell]) -> Iterable[dict[str, Any]]:
    for cell in cells:
        yield {
            "indicator": cell.indicator,
            **{d.value.lower(): v for d, v in cell.dimensions},
            "value": cell.value,
            "numerator": cell.numerator,
            "denominator": cell.denominator,
            "suppressed": cell.suppressed,
        }


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def serialise(fmt: str, header: Sequence[str], record: dict[str, Any] | None) -> bytes:
    """One line of the export: the header line when `record` is None (CSV only)."""
    if fmt == "ndjson":
        assert record is not None
        return orjson.dumps(record, option=orjson.OPT_NAIVE_UTC) + b"\n"
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(header if record is None else [_text(record.get(h)) for h in header])
    return out.getvalue().encode()


def parse_list(value: str | None) -> tuple[str, ...] | None:
    if value is None:
        return None
    return tuple(v.strip() for v in value.split(",") if v.strip())


def parse_query(params: Any) -> IndicatorQuery:
    """`indicators`' arguments from query parameters."""
    try:
        by = tuple(Dimension(d.upper()) for d in parse_list(params.get("by")) or ())
    except ValueError as exc:
        raise BadInput(f"no such dimension: {exc}", field="by") from exc
    return IndicatorQuery(
        programme=params.get("programme"),
        codes=parse_list(params.get("codes")),
        by=by,
        since=_day(params.get("from"), "from"),
        until=_day(params.get("to"), "to"),
    )


def _day(value: str | None, field: str) -> dt.date | None:
    try:
        return None if value is None else dt.date.fromisoformat(value)
    except ValueError as exc:
        raise BadInput(f"{field} must be a day as YYYY-MM-DD", field=field) from exc


async def _caller(request: Request) -> Principal:
    hub: Hub = request.app.state.hub
    return await hub.caller(request.headers.get("authorization"))


async def programme_id_of(
    session: AsyncSession, principal: Principal, code: str | None
) -> int | None:
    from stakeholders.programmes.repository import readable_programmes

    if code is None:
        return None
    readable = readable_programmes(principal).subquery()
    found = await session.scalar(select(readable.c.id).where(readable.c.code == code))
    if found is None:
        raise BadInput(f"no programme you may see has the code {code!r}", field="programme")
    return int(found)


def _refused(exc: AccordError) -> Response:
    return error_response(400, exc.message, exc.code, **exc.extensions)


def _route(name: str, fmt: str) -> None:
    @router.get(f"/exports/{name}.{fmt}", include_in_schema=False, name=f"export_{name}_{fmt}")
    async def export(request: Request) -> Response:
        hub: Hub = request.app.state.hub
        principal = await _caller(request)
        try:
            lines = await _lines(hub, principal, name, fmt, request.query_params)
        except AccordError as exc:
            return _refused(exc)
        filename = f'attachment; filename="{name}.{fmt}"'
        return StreamingResponse(
            lines, media_type=FORMATS[fmt], headers={"Content-Disposition": filename}
        )


async def _lines(
    hub: Hub, principal: Principal, name: str, fmt: str, params: Any
) -> AsyncIterator[bytes]:
    """The export's lines; its arguments are checked before the first is sent (a refusal
    is then a 400, not a broken stream)."""
    if name == "indicators":
        query = parse_query(params)
        async with hub.database.sessions() as session:
            cells = await indicator_cells(
                session,
                principal,
                query,
                dialect=hub.database.dialect,
                min_cell_size=hub.settings.min_cell_size,
            )
        header = indicator_header(cells, query.by)
        return _stream(fmt, header, _aiter(indicator_records(cells)))
    listing = LISTS[name]
    async with hub.database.sessions() as session:
        programme_id = await programme_id_of(session, principal, params.get("programme"))
    return _stream(fmt, listing.fields, _listed(hub, listing, principal, programme_id))


async def _listed(
    hub: Hub, listing: Listing, principal: Principal, programme_id: int | None
) -> AsyncIterator[dict[str, Any]]:
    async with hub.database.sessions() as session:
        async for record in list_records(session, listing, principal, programme_id):
            yield record


async def _aiter(records: Iterable[dict[str, Any]]) -> AsyncIterator[dict[str, Any]]:
    for record in records:
        yield record


async def _stream(
    fmt: str, header: Sequence[str], records: AsyncIterator[dict[str, Any]]
) -> AsyncIterator[bytes]:
    if fmt == "csv":
        yield serialise(fmt, header, None)
    async for record in records:
        yield serialise(fmt, header, record)


for _name in ("indicators", *LISTS):
    for _fmt in FORMATS:
        _route(_name, _fmt)
