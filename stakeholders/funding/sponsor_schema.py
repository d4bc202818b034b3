"""Sponsor money's root field and mutations; each runs once per idempotency key."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

import strawberry

from stakeholders.common.mutations import Facts, run_mutation
from stakeholders.common.relay import (
    expect_global_id,
)
from stakeholders.common.resolvers import Info
from stakeholders.common.words import IDEMPOTENCY_KEY, VERSION
from stakeholders.declared import node_mutation
from stakeholders.funding import repository as repo
from stakeholders.funding import sponsors
from stakeholders.funding.loaders import CommitmentByIdLoader
from stakeholders.funding.models import Commitment as CommitmentModel
from stakeholders.funding.models import Disbursement as DisbursementModel
from stakeholders.funding.sponsor_types import Commitment, Disbursement
from stakeholders.idempotency import once_for
from stakeholders.parties.schema import own_or_named_party
from stakeholders.programmes.loaders import AgreementByIdLoader
from stakeholders.programmes.models import Agreement as AgreementModel
from stakeholders.programmes.schema import MoneyInput, programme_list
from stakeholders.writes import get_for_update

__all__ = ["SponsorMutation", "SponsorQuery"]


@strawberry.input(description="Money a sponsor commits under an agreement it is party to.")
class RecordCommitmentInput:
    agreement_id: strawberry.ID = strawberry.field(
        description="Global ID of the signed agreement the sponsor is a party to."
    )
    amount: MoneyInput = strawberry.field(description="The amount, in the programme's currency.")
    idempotency_key: str = strawberry.field(description=IDEMPOTENCY_KEY)
    description: str = strawberry.field(
        default="", description="What it is for; at most 2,000 characters."
    )
    sponsor_code: str | None = strawberry.field(
        default=None, description="Code of the sponsor, yours or one below it; defaults to yours."
    )


@strawberry.input(description="A tranche paid against a commitment.")
class RecordDisbursementInput:
    commitment_id: strawberry.ID = strawberry.field(description="Global ID of the commitment.")
    amount: MoneyInput = strawberry.field(
        description="The amount paid, in the commitment's currency; at most what is left."
    )
    reference: str = strawberry.field(description="The payment's reference; 1-120 characters.")
    paid_on: dt.date = strawberry.field(description="Day it was paid; not after today.")
    idempotency_key: str = strawberry.field(description=IDEMPOTENCY_KEY)


@strawberry.input(description="Confirm a tranche arrived.")
class AcknowledgeDisbursementInput:
    id: strawberry.ID = strawberry.field(description="Global ID of the tranche.")
    version: int = strawberry.field(description=VERSION)
    idempotency_key: str = strawberry.field(description=IDEMPOTENCY_KEY)


@strawberry.type(description="The commitment was recorded.")
class CommitmentPayload:
    commitment: Commitment = strawberry.field(description="The commitment as stored.")


@strawberry.type(description="The tranche changed.")
class DisbursementPayload:
    disbursement: Disbursement = strawberry.field(description="The tranche as now stored.")


@strawberry.type
class SponsorQuery:
    commitments = programme_list(
        "Sponsors' commitments you may see, in id order.",
        Commitment,
        repo.readable_commitments,
        repo.COMMITMENTS,
    )


@strawberry.type
class SponsorMutation:
    @strawberry.mutation(description="Commit your party's money to a programme.")
    async def record_commitment(
        self,
        info: Info,
        input: Annotated[
            RecordCommitmentInput,
            strawberry.argument(description="The agreement, the amount and what it is for."),
        ],
    ) -> CommitmentPayload | None:
        ctx = info.context
        pk = expect_global_id(input.agreement_id, "Agreement", field="agreementId")
        visible = await ctx.loaders.get(AgreementByIdLoader).load(pk)
        sponsor = await own_or_named_party(info, input.sponsor_code, "sponsorCode")

        async def change() -> Any:
            agreement = await get_for_update(ctx.session, AgreementModel, pk)
            return await sponsors.record_commitment(
                ctx.session,
                ctx.principal,
                agreement=agreement,
                sponsor_party_id=sponsor,
                amount_minor=input.amount.amount_minor,
                currency=input.amount.currency,
                description=input.description,
            )

        target = Facts(party_id=sponsor, programme_id=visible.programme_id) if visible else None
        commitment = await run_mutation(
            ctx,
            "recordCommitment",
            target,
            lambda: once_for(ctx, "recordCommitment", input, CommitmentModel, change),
        )
        return CommitmentPayload(commitment=Commitment.from_row(commitment))

    @strawberry.mutation(description="Record a tranche your party paid against its commitment.")
    async def record_disbursement(
        self,
        info: Info,
        input: Annotated[
            RecordDisbursementInput,
            strawberry.argument(description="The commitment, the amount, reference and day."),
        ],
    ) -> DisbursementPayload | None:
        ctx = info.context
        pk = expect_global_id(input.commitment_id, "Commitment", field="commitmentId")
        target = await ctx.loaders.get(CommitmentByIdLoader).load(pk)

        async def change() -> Any:
            commitment = await get_for_update(ctx.session, CommitmentModel, pk)
            return await sponsors.record_disbursement(
                ctx.session,
                ctx.principal,
                commitment=commitment,
                amount_minor=input.amount.amount_minor,
                currency=input.amount.currency,
                reference=input.reference,
                paid_on=input.paid_on,
            )

        tranche = await run_mutation(
            ctx,
            "recordDisbursement",
            target,
            lambda: once_for(ctx, "recordDisbursement", input, DisbursementModel, change),
        )
        return DisbursementPayload(disbursement=Disbursement.from_row(tranche))

    acknowledge_disbursement = node_mutation(
        "acknowledgeDisbursement",
        "Confirm that a tranche to a programme your party owns arrived.",
        AcknowledgeDisbursementInput,
        "The tranche, its version and your idempotency key.",
        sponsors.acknowledge_disbursement,
        DisbursementPayload,
        idempotent=DisbursementModel,
    )
