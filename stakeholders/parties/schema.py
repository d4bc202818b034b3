"""The parties area's root fields."""

from __future__ import annotations

from typing import Annotated

import strawberry

from auth.errors import Unauthenticated
from auth.roles import PartyKind
from stakeholders.common.loading import fetch_page
from stakeholders.common.relay import After, Connection, First, page_request, to_connection
from stakeholders.errors import BadInput
from stakeholders.parties.loaders import PartyByCodeLoader
from stakeholders.parties.repository import PARTIES, readable_parties
from stakeholders.parties.types import Info, Party
from stakeholders.validation import check_country

__all__ = ["PartyQuery", "optional_party_id", "own_or_named_party", "party_id_by_code"]


async def party_id_by_code(info: Info, code: str, field: str) -> int:
    """The id of the party an input names by code; BAD_INPUT naming `field` when none has it."""
    row = await info.context.loaders.get(PartyByCodeLoader).load(code)
    if row is None:
        raise BadInput(f"no party has the code {code!r}", field=field)
    return int(row.id)


async def optional_party_id(info: Info, code: str | None, field: str) -> int | None:
    """The id of the party an optional input names; None when it names none."""
    return None if code is None else await party_id_by_code(info, code, field)


async def own_or_named_party(info: Info, code: str | None, field: str) -> int:
    """The id of the party an input names, defaulting to the caller's own party."""
    code = code or info.context.principal.party_code
    if code is None:
        raise Unauthenticated(f"sign in, or name the party in {field}")
    return await party_id_by_code(info, code, field)


@strawberry.type
class PartyQuery:
    @strawberry.field(description="Parties, optionally of one kind or country, in id order.")
    async def parties(
        self,
        info: Info,
        kind: Annotated[
            PartyKind | None, strawberry.argument(description="Only parties of this kind.")
        ] = None,
        country: Annotated[
            str | None, strawberry.argument(description="ISO 3166-1 alpha-2.")
        ] = None,
        first: First = None,
        after: After = None,
    ) -> Connection[Party] | None:
        request = page_request(first, after, info.context.max_page_size)
        stmt = readable_parties(info.context.principal)
        if kind is not None:
            stmt = stmt.where(PARTIES.c.kind == kind.value)
        if country is not None:
            stmt = stmt.where(PARTIES.c.country == check_country(country))
        page = await fetch_page(info.context.loaders, stmt, PARTIES, request)
        return to_connection(page, Party.from_row)

    @strawberry.field(description="The party with this code, if you may see it.")
    async def party(
        self,
        info: Info,
        code: Annotated[str, strawberry.argument(description="Party code, exact: BD-DOHA.")],
    ) -> Party | None:
        row = await info.context.loaders.get(PartyByCodeLoader).load(code)
        return Party.from_row(row) if row else None
