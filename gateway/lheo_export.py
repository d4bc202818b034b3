"""GET /exports/lheo.xml?programme=CODE: the programme's labelled offer in LHEO 2.3, public
(a labelled offer is there to be found), streamed one training at a time."""

from __future__ import annotations

from collections.abc import AsyncIterator

from fastapi import APIRouter, Request
from fastapi.responses import Response, StreamingResponse

from gateway.context import Hub
from gateway.db import Database
from gateway.http import error_response
from stakeholders.quality.lheo import LheoTally, ProgrammeFacts, lheo_document
from stakeholders.quality.lheo import programme_for_export as find_programme
from stakeholders.validation import CODE_PATTERN

__all__ = ["LHEO_PATH", "lheo_bytes", "router"]

LHEO_PATH = "/exports/lheo.xml"
XML = "application/xml; charset=utf-8"
# Labels change status by the day, offers when their operator edits them: a short cache.
CACHE_CONTROL = "public, max-age=300"

router = APIRouter()


@router.get(LHEO_PATH, include_in_schema=False)
async def lheo(request: Request, programme: str | None = None) -> Response:
    code = (programme or "").strip()
    if not CODE_PATTERN.fullmatch(code):
        message = "programme must be a programme code, e.g. ?programme=FR-GEN-ROADMAP-2021"
        return error_response(400, message, "BAD_INPUT", field="programme")
    hub: Hub = request.app.state.hub
    async with hub.database.sessions() as session:
        facts = await find_programme(session, code)
    if facts is None:
        return error_response(404, f"no programme has the code {code}", "NOT_FOUND")
    headers = {
        "Cache-Control": CACHE_CONTROL,
        "Content-Disposition": f'inline; filename="lheo-{code}.xml"',
    }
    return StreamingResponse(lheo_bytes(hub.database, facts), media_type=XML, headers=headers)


async def lheo_bytes(
    database: Database, programme: ProgrammeFacts, tally: LheoTally | None = None
) -> AsyncIterator[bytes]:
    """The document as UTF-8 chunks, read in a session that lives as long as the stream."""
    async with database.sessions() as session:
        async for chunk in lheo_document(session, programme, tally=tally):
            yield chunk.encode("utf-8")
