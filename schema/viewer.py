"""`viewer`: who the hub thinks you are."""

from __future__ import annotations

import strawberry

from stakeholders.common.resolvers import Info, one
from stakeholders.parties.loaders import PartyByIdLoader
from stakeholders.parties.types import Party

__all__ = ["Viewer", "ViewerQuery"]


@strawberry.type(description="The caller, as the hub sees the token.")
class Viewer:
    sub: str | None = strawberry.field(description="Subject of the token; null when anonymous.")
    roles: list[str] = strawberry.field(description="Roles held in the party's subtree.")
    scopes: list[str] = strawberry.field(description="OAuth scopes of the token.")
    party_pk: strawberry.Private[int | None]

    @strawberry.field(description="The party the caller acts for.")
    async def party(self, info: Info) -> Party | None:
        return await one(info, PartyByIdLoader, self.party_pk, Party.from_row)


@strawberry.type
class ViewerQuery:
    @strawberry.field(description="The caller: subject, party, roles.")
    def viewer(self, info: Info) -> Viewer:
        p = info.context.principal
        return Viewer(
            sub=p.sub, roles=sorted(p.roles), scopes=sorted(p.scopes), party_pk=p.party_id
        )
