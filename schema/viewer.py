"""`viewer`: who the hub thinks you are."""

from __future__ import annotations

from typing import Annotated

import strawberry

from auth.policy import TYPES, may_read_somewhere, may_write_somewhere
from stakeholders.common.resolvers import Info, one
from stakeholders.parties.loaders import PartyByIdLoader
from stakeholders.parties.types import Party
from stakeholders.programmes.enums import ParticipantRole
from stakeholders.programmes.loaders import ProgrammeByIdLoader
from stakeholders.programmes.types import Programme

__all__ = ["FieldPermission", "Viewer", "ViewerProgramme", "ViewerQuery"]


@strawberry.type(description="What the policy lets the caller do with one field of one type.")
class FieldPermission:
    type_name: str = strawberry.field(name="type", description="GraphQL type name.")
    field: str = strawberry.field(description="GraphQL field name.")
    read: bool = strawberry.field(description="You may read it on at least some rows.")
    write: bool = strawberry.field(description="An action you may do on some rows changes it.")


@strawberry.type(description="A programme the caller's party subtree takes part in.")
class ViewerProgramme:
    roles: list[ParticipantRole] = strawberry.field(
        description="The roles the caller's party subtree holds in it."
    )
    programme_pk: strawberry.Private[int]

    @strawberry.field(description="The programme.")
    def programme(self, info: Info) -> Programme | None:
        # `one` answers the row, None, or an awaitable of it: returned as is, never awaited.
        return one(info, ProgrammeByIdLoader, self.programme_pk, Programme.from_row)  # type: ignore[no-any-return]


@strawberry.type(description="The caller, as the hub sees the token.")
class Viewer:
    sub: str | None = strawberry.field(description="Subject of the token; null when anonymous.")
    roles: list[str] = strawberry.field(description="Roles held in the party's subtree.")
    scopes: list[str] = strawberry.field(description="OAuth scopes of the token.")
    party_pk: strawberry.Private[int | None]

    @strawberry.field(description="The party the caller acts for.")
    def party(self, info: Info) -> Party | None:
        return one(info, PartyByIdLoader, self.party_pk, Party.from_row)  # type: ignore[no-any-return]

    @strawberry.field(description="The programmes your party subtree takes part in, with roles.")
    def programmes(self, info: Info) -> list[ViewerProgramme]:
        roles = info.context.principal.programme_roles
        return [
            ViewerProgramme(roles=sorted(ParticipantRole(r) for r in roles[pk]), programme_pk=pk)
            for pk in sorted(roles)
        ]

    @strawberry.field(
        description="Per type and field, whether you may read or change it (from the policy)."
    )
    def permissions(
        self,
        info: Info,
        type: Annotated[
            str | None,
            strawberry.argument(description="Only this GraphQL type, e.g. Responsibility."),
        ] = None,
    ) -> list[FieldPermission]:
        principal = info.context.principal
        return [
            FieldPermission(
                type_name=type_name,
                field=field,
                read=may_read_somewhere(principal, type_name, field),
                write=may_write_somewhere(principal, type_name, field),
            )
            for type_name, rule in sorted(TYPES.items())
            if type is None or type == type_name
            for field in sorted(rule.fields)
        ]


@strawberry.type
class ViewerQuery:
    @strawberry.field(description="The caller: subject, party, roles.")
    def viewer(self, info: Info) -> Viewer:
        p = info.context.principal
        return Viewer(
            sub=p.sub, roles=sorted(p.roles), scopes=sorted(p.scopes), party_pk=p.party_id
        )
