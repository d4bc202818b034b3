"""The Party type."""

from __future__ import annotations

from typing import Any

import strawberry

from auth.roles import PartyKind
from stakeholders.common.enums import describe_enum
from stakeholders.common.relay import After, Connection, First, Node, to_global_id
from stakeholders.common.resolvers import Entity, Info, one, paged, register_node
from stakeholders.parties.loaders import ChildrenByParentLoader, PartyByIdLoader

__all__ = ["Info", "Party", "PartyKindEnum"]

PartyKindEnum = describe_enum(
    PartyKind,
    "The five kinds of party; any public authority is a MINISTRY.",
    {
        "MINISTRY": "A public authority: ministry, bureau, provincial committee, department or "
        "national agency. Owns programmes, sets targets and rules, receives escalations.",
        "DISTRICT": "A territorial unit under an authority (district or county bureau); "
        "verifies the eligibility of the people who live in it.",
        "UNIVERSITY": "A university or one of its schools; hosts classes, designs content, "
        "tests and certifies.",
        "OPERATOR": "A training operator; runs cohorts, enrols trainees, records attendance "
        "and results.",
        "SPONSOR": "A funder or employer (a fund, a bank, a company); funds programmes and "
        "hires graduates.",
    },
)


@strawberry.federation.type(
    keys=["id"], description="A party: authority, district, university, operator or sponsor."
)
class Party(Node, Entity):
    code: str = strawberry.field(description="Stable code, e.g. CQ-HRSS.")
    name: str = strawberry.field(description="Official name, in the party's own language.")
    kind: PartyKind = strawberry.field(description="What kind of party this is.")
    country: str = strawberry.field(description="ISO 3166-1 alpha-2 country code.")
    party_id: strawberry.Private[int]
    parent_id: strawberry.Private[int | None]

    @classmethod
    def from_row(cls, row: Any) -> Party:
        return cls(
            id=to_global_id("Party", row.id),
            code=row.code,
            name=row.name,
            kind=PartyKind(row.kind),
            country=row.country,
            party_id=row.id,
            parent_id=row.parent_id,
        )

    @strawberry.field(description="The party above this one in its tree.")
    def parent(self, info: Info) -> Party | None:
        return one(info, PartyByIdLoader, self.parent_id, Party.from_row)

    @strawberry.field(description="The parties directly below this one.")
    async def children(
        self, info: Info, first: First = None, after: After = None
    ) -> Connection[Party]:
        return await paged(
            info, ChildrenByParentLoader, self.party_id, Party.from_row, first, after
        )


register_node("Party", PartyByIdLoader, Party.from_row)
