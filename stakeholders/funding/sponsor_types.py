"""GraphQL types of sponsor money: commitments and the tranches paid against them."""

from __future__ import annotations

import datetime as dt
from typing import Any

import strawberry

from auth.policy import may
from stakeholders.common.enums import describe_enum
from stakeholders.common.relay import Node, to_global_id
from stakeholders.common.resolvers import Entity, Info, one, register_node, to_one
from stakeholders.funding import loaders as ld
from stakeholders.funding.enums import DisbursementStatus
from stakeholders.parties.loaders import PartyByIdLoader
from stakeholders.parties.types import Party
from stakeholders.programmes.loaders import AgreementByIdLoader, ProgrammeByIdLoader
from stakeholders.programmes.types import Agreement, Money, Programme

__all__ = ["Commitment", "Disbursement", "DisbursementActions"]

describe_enum(
    DisbursementStatus,
    "Whether the programme's owner confirmed a tranche arrived.",
    {
        "RECORDED": "Recorded by the sponsor as paid.",
        "ACKNOWLEDGED": "Confirmed received by the programme's owner.",
    },
)


@strawberry.federation.type(keys=["id"], description="Money a sponsor commits to a programme.")
class Commitment(Node, Entity):
    amount: Money = strawberry.field(description="The amount committed.")
    description: str = strawberry.field(description="What it is for.")
    recorded_by: str = strawberry.field(description="Subject who recorded it.")
    created_at: dt.datetime = strawberry.field(description="When it was recorded (UTC).")
    version: int = strawberry.field(description="Changes with every update.")
    programme_id: strawberry.Private[int]
    agreement_pk: strawberry.Private[int]
    sponsor_party_id: strawberry.Private[int]
    commitment_id: strawberry.Private[int]

    @classmethod
    def from_row(cls, row: Any) -> Commitment:
        return cls(
            id=to_global_id("Commitment", row.id),
            amount=Money.of(row.amount_minor, row.currency),
            description=row.description,
            recorded_by=row.recorded_by,
            created_at=row.created_at,
            version=row.version,
            programme_id=row.programme_id,
            agreement_pk=row.agreement_id,
            sponsor_party_id=row.sponsor_party_id,
            commitment_id=row.id,
        )

    programme = to_one(Programme, ProgrammeByIdLoader, "programme_id", "The programme.")
    agreement = to_one(Agreement, AgreementByIdLoader, "agreement_pk", "The agreement it is under.")
    sponsor = to_one(Party, PartyByIdLoader, "sponsor_party_id", "The sponsor.")

    async def _disbursed(self, info: Info) -> int:
        found = await info.context.loaders.get(ld.DisbursedTotalsLoader).load(self.commitment_id)
        return int(found.total) if found is not None else 0

    @strawberry.field(description="What its tranches paid so far.")
    async def disbursed(self, info: Info) -> Money:
        return Money.of(await self._disbursed(info), self.amount.currency)

    @strawberry.field(description="What is left to pay: the amount less its tranches.")
    async def remaining(self, info: Info) -> Money:
        left = self.amount.amount_minor - await self._disbursed(info)
        return Money.of(left, self.amount.currency)

    @strawberry.field(description="Its tranches, oldest first.")
    async def disbursements(self, info: Info) -> list[Disbursement]:
        loader = info.context.loaders.get(ld.DisbursementsByCommitmentLoader)
        return [Disbursement.from_row(r) for r in await loader.load(self.commitment_id)]


@strawberry.type(description="What you may do to this tranche now (to enable buttons).")
class DisbursementActions:
    acknowledge: bool = strawberry.field(description="acknowledgeDisbursement")


@strawberry.federation.type(keys=["id"], description="A tranche a sponsor paid.")
class Disbursement(Node, Entity):
    amount: Money = strawberry.field(description="The amount paid.")
    reference: str = strawberry.field(description="The sponsor's payment reference.")
    paid_on: dt.date = strawberry.field(description="Day it was paid.")
    status: DisbursementStatus = strawberry.field(description="Recorded, or acknowledged.")
    recorded_by: str = strawberry.field(description="Subject who recorded it.")
    acknowledged_by: str | None = strawberry.field(description="Subject who acknowledged it.")
    acknowledged_at: dt.datetime | None = strawberry.field(description="When acknowledged.")
    created_at: dt.datetime = strawberry.field(description="When it was recorded (UTC).")
    version: int = strawberry.field(description="Changes with every update; send it back.")
    programme_id: strawberry.Private[int]
    commitment_pk: strawberry.Private[int]
    sponsor_party_id: strawberry.Private[int]

    @classmethod
    def from_row(cls, row: Any) -> Disbursement:
        return cls(
            id=to_global_id("Disbursement", row.id),
            amount=Money.of(row.amount_minor, row.currency),
            reference=row.reference,
            paid_on=row.paid_on,
            status=DisbursementStatus(row.status),
            recorded_by=row.recorded_by,
            acknowledged_by=row.acknowledged_by,
            acknowledged_at=row.acknowledged_at,
            created_at=row.created_at,
            version=row.version,
            programme_id=row.programme_id,
            commitment_pk=row.commitment_id,
            sponsor_party_id=row.sponsor_party_id,
        )

    sponsor = to_one(Party, PartyByIdLoader, "sponsor_party_id", "The sponsor.")

    @strawberry.field(description="The commitment it is paid against.")
    def commitment(self, info: Info) -> Commitment | None:
        return one(info, ld.CommitmentByIdLoader, self.commitment_pk, Commitment.from_row)

    @strawberry.field(description="What the policy lets you do to it now.")
    def viewer_can(self, info: Info) -> DisbursementActions:
        return DisbursementActions(
            acknowledge=self.status is DisbursementStatus.RECORDED
            and may(info.context.principal, "acknowledgeDisbursement", self)
        )


register_node("Commitment", ld.CommitmentByIdLoader, Commitment.from_row)
register_node("Disbursement", ld.DisbursementByIdLoader, Disbursement.from_row)
