"""Funding's root fields and mutations. Every one of its mutations moves or fixes money: each
takes an idempotencyKey and runs once per key (stakeholders.idempotency)."""

from __future__ import annotations

from operator import itemgetter
from typing import Annotated, Any

import strawberry
from sqlalchemy.ext.asyncio import AsyncSession

from auth.principal import Principal
from stakeholders.common.mutations import run_mutation, stored_version
from stakeholders.common.relay import (
    After,
    Connection,
    First,
    decode_global_id,
    expect_global_id,
)
from stakeholders.common.resolvers import Info
from stakeholders.declared import node_mutation
from stakeholders.errors import BadInput
from stakeholders.funding import anomalies, claims, envelope, service
from stakeholders.funding import extensions as _extensions  # noqa: F401 - adds funding's fields
from stakeholders.funding import repository as repo
from stakeholders.funding.enums import ClaimStatus, EntitlementStatus
from stakeholders.funding.inputs import (
    ApproveClaimInput,
    ApprovePaymentBatchInput,
    BatchPayload,
    ClaimPayload,
    EntitlementPayload,
    FeeSchedulePayload,
    PaymentPayload,
    PreparePaymentBatchInput,
    PublishFeeScheduleInput,
    RecordPaymentInput,
    RejectClaimInput,
    RejectPaymentBatchInput,
    SetBudgetLineInput,
    SetFundingRuleInput,
    SubmitClaimInput,
    VerifyClaimInput,
    VoidEntitlementInput,
)
from stakeholders.funding.loaders import BatchByIdLoader, ClaimByIdLoader
from stakeholders.funding.models import BudgetLine as BudgetLineModel
from stakeholders.funding.models import Entitlement as EntitlementModel
from stakeholders.funding.models import FeeSchedule as FeeModel
from stakeholders.funding.models import FundingRule as FundingRuleModel
from stakeholders.funding.models import PaymentBatch as BatchModel
from stakeholders.funding.models import ReimbursementClaim as ClaimModel
from stakeholders.funding.types import (
    Entitlement,
    FeeSchedule,
    PaymentBatch,
    ReimbursementClaim,
)
from stakeholders.funding.value_types import FundingAnomaly
from stakeholders.idempotency import once_for
from stakeholders.parties.schema import optional_party_id, own_or_named_party
from stakeholders.programmes.declared import programme_mutation
from stakeholders.programmes.models import Programme as ProgrammeModel
from stakeholders.programmes.schema import (
    MoneyInput,
    ProgrammeCode,
    ProgrammePayload,
    programme_id_by_code,
    programme_list,
    programme_page,
)
from stakeholders.writes import get_for_update

__all__ = ["FundingMutation", "FundingQuery"]


Statuses = Annotated[
    list[EntitlementStatus] | None,
    strawberry.argument(description="Only entitlements in one of these statuses."),
]
ClaimStatuses = Annotated[
    list[ClaimStatus] | None, strawberry.argument(description="Only claims in these statuses.")
]


@strawberry.type
class FundingQuery:
    fee_schedules = programme_list(
        "Published evaluation fees, public, in id order.",
        FeeSchedule,
        repo.readable_fee_schedules,
        repo.FEE_SCHEDULES,
    )

    @strawberry.field(description="Entitlements you may see, in id order.")
    async def entitlements(
        self,
        info: Info,
        first: First = None,
        after: After = None,
        programme: ProgrammeCode = None,
        status: Statuses = None,
    ) -> Connection[Entitlement] | None:
        readable = repo.readable_entitlements(info.context.principal)
        table, convert = repo.ENTITLEMENTS, Entitlement.from_row
        return await programme_page(info, readable, table, convert, first, after, programme, status)

    @strawberry.field(description="Reimbursement claims you may see, in id order.")
    async def claims(
        self,
        info: Info,
        first: First = None,
        after: After = None,
        programme: ProgrammeCode = None,
        status: ClaimStatuses = None,
    ) -> Connection[ReimbursementClaim] | None:
        readable = repo.readable_claims(info.context.principal)
        table, convert = repo.CLAIMS, ReimbursementClaim.from_row
        return await programme_page(info, readable, table, convert, first, after, programme, status)

    @strawberry.field(
        description="What fund supervision finds in a programme's money, about rows you may read."
    )
    async def funding_anomalies(
        self,
        info: Info,
        programme: Annotated[
            str,
            strawberry.argument(description="Code of the programme, e.g. CQ-DIGITAL-ENGINEERS."),
        ],
    ) -> list[FundingAnomaly]:
        programme_id = await programme_id_by_code(info, programme)
        sources = anomalies.Sources.readable_by(info.context.principal)
        async with info.context.loaders.idle():
            found = await anomalies.findings(info.context.session, sources, programme_id)
        return [FundingAnomaly.of(f) for f in found]

    payment_batches = programme_list(
        "Payment batches you may see, in id order.",
        PaymentBatch,
        repo.readable_batches,
        repo.BATCHES,
    )


def _ids(values: list[strawberry.ID], field: str) -> list[int]:
    return [expect_global_id(v, "Entitlement", field=field) for v in values]


async def _set_funding_rule(
    session: AsyncSession,
    principal: Principal,
    *,
    programme: ProgrammeModel,
    rate: MoneyInput | None,
    **rule: Any,
) -> FundingRuleModel:
    """The rule, its training rate in the programme's currency (the service stores the amount)."""
    if rate is not None:
        service.check_amount(rate.amount_minor, rate.currency, programme, field="trainingRate")
    minor = rate.amount_minor if rate is not None else None
    return await service.set_funding_rule(
        session, principal, programme=programme, training_rate_minor=minor, **rule
    )


async def _rule_args(_: Info, data: SetFundingRuleInput) -> dict[str, Any]:
    return {
        "version": data.version,
        "evaluation_payee": data.evaluation_payee,
        "evaluation_audiences": data.evaluation_audiences,
        "rate": data.training_rate,
    }


async def _budget_line_args(_: Info, data: SetBudgetLineInput) -> dict[str, Any]:
    return {
        "code": data.code,
        "name": data.name,
        "amount_minor": data.amount.amount_minor,
        "currency": data.amount.currency,
        "version": data.version,
    }


async def _fee_args(_: Info, data: PublishFeeScheduleInput) -> dict[str, Any]:
    return {
        "track_code": data.track,
        "level": data.level,
        "amount_minor": data.amount.amount_minor,
        "currency": data.amount.currency,
        "effective_from": data.effective_from,
    }


async def _claim_args(info: Info, data: SubmitClaimInput) -> dict[str, Any]:
    operator = await own_or_named_party(info, data.operator_code, "operatorCode")
    choice = claims.Choice(
        ids=_ids(data.entitlement_ids, "entitlementIds"),
        up_to=data.up_to,
        verifier_party_id=await optional_party_id(info, data.verifier_code, "verifierCode"),
    )
    return {"operator_party_id": operator, "choice": choice}


async def _batch_args(_: Info, data: PreparePaymentBatchInput) -> dict[str, Any]:
    return {
        "choice": claims.Choice(ids=_ids(data.entitlement_ids, "entitlementIds"), up_to=data.up_to)
    }


@strawberry.type
class FundingMutation:
    set_funding_rule = programme_mutation(
        "setFundingRule",
        "Set the subsidy rule of a programme your party owns.",
        SetFundingRuleInput,
        "The programme, who is paid, which audiences, rate.",
        _set_funding_rule,
        ProgrammePayload,
        args=_rule_args,
        lock=get_for_update,
        idempotent=FundingRuleModel,
    )
    set_budget_line = programme_mutation(
        "setBudgetLine",
        "Set a line of the budget of a programme your party owns.",
        SetBudgetLineInput,
        "The programme, the line's code, name and amount.",
        envelope.set_budget_line,
        ProgrammePayload,
        args=_budget_line_args,
        lock=get_for_update,
        idempotent=BudgetLineModel,
    )
    publish_fee_schedule = programme_mutation(
        "publishFeeSchedule",
        "Publish an evaluation fee, as the programme's evaluator.",
        PublishFeeScheduleInput,
        "The programme, level, track, fee and first day.",
        service.publish_fee_schedule,
        FeeSchedulePayload,
        args=_fee_args,
        lock=get_for_update,
        idempotent=FeeModel,
    )
    submit_claim = programme_mutation(
        "submitClaim",
        "Claim back the subsidies your institution advanced.",
        SubmitClaimInput,
        "The programme and the entitlements, or a day.",
        claims.submit_claim,
        ClaimPayload,
        args=_claim_args,
        party=itemgetter("operator_party_id"),
        lock=get_for_update,
        idempotent=ClaimModel,
    )

    @strawberry.mutation(description="Verify a claim addressed to your bureau, line by line.")
    async def verify_claim(
        self,
        info: Info,
        input: Annotated[
            VerifyClaimInput,
            strawberry.argument(description="The claim, its version and the lines rejected."),
        ],
    ) -> ClaimPayload | None:
        ctx = info.context
        rejected = [
            claims.LineVerdict(
                expect_global_id(r.entitlement_id, "Entitlement", field="rejected"), r.reason
            )
            for r in input.rejected
        ]
        pk = expect_global_id(input.id, "ReimbursementClaim")
        target = await ctx.loaders.get(ClaimByIdLoader).load(pk)

        async def work() -> Any:
            return await once_for(
                ctx,
                "verifyClaim",
                input,
                ClaimModel,
                lambda: claims.verify_claim(
                    ctx.session,
                    ctx.principal,
                    claim_id=pk,
                    version=input.version,
                    rejected=rejected,
                ),
            )

        stored = stored_version(repo.CLAIMS, pk)
        claim = await run_mutation(ctx, "verifyClaim", target, work, stored=stored)
        return ClaimPayload(claim=ReimbursementClaim.from_row(claim))

    approve_claim = node_mutation(
        "approveClaim",
        "Approve a verified claim of a programme your party owns.",
        ApproveClaimInput,
        "The claim, its version and your idempotency key.",
        claims.approve_claim,
        ClaimPayload,
        idempotent=ClaimModel,
    )
    reject_claim = node_mutation(
        "rejectClaim",
        "Send back a claim of a programme your party owns, with the reason.",
        RejectClaimInput,
        "The claim, its version, the reason and your idempotency key.",
        claims.reject_claim,
        ClaimPayload,
        idempotent=ClaimModel,
    )

    prepare_payment_batch = programme_mutation(
        "preparePaymentBatch",
        "Put evaluation subsidies owed to persons in a batch.",
        PreparePaymentBatchInput,
        "The programme and the entitlements, or a day.",
        claims.prepare_batch,
        BatchPayload,
        args=_batch_args,
        lock=get_for_update,
        idempotent=BatchModel,
    )

    approve_payment_batch = node_mutation(
        "approvePaymentBatch",
        "Approve a payment batch another person prepared.",
        ApprovePaymentBatchInput,
        "The batch, its version and your idempotency key.",
        claims.approve_batch,
        BatchPayload,
        idempotent=BatchModel,
    )

    reject_payment_batch = node_mutation(
        "rejectPaymentBatch",
        "Send back a payment batch another person prepared, with the reason.",
        RejectPaymentBatchInput,
        "The batch, its version, the reason and your idempotency key.",
        claims.reject_batch,
        BatchPayload,
        idempotent=BatchModel,
    )
    void_entitlement = node_mutation(
        "voidEntitlement",
        "Cancel an entitlement of a programme your party owns, granted in error.",
        VoidEntitlementInput,
        "The entitlement, its version, the reason and your idempotency key.",
        claims.void_entitlement,
        EntitlementPayload,
        idempotent=EntitlementModel,
    )

    @strawberry.mutation(description="Record the payment of an approved claim or batch.")
    async def record_payment(
        self,
        info: Info,
        input: Annotated[
            RecordPaymentInput,
            strawberry.argument(description="What was paid, its reference, and your key."),
        ],
    ) -> PaymentPayload | None:
        ctx = info.context
        type_name, pk = decode_global_id(input.id)
        kinds: dict[str, tuple[Any, type[ClaimModel] | type[BatchModel]]] = {
            "ReimbursementClaim": (ClaimByIdLoader, ClaimModel),
            "PaymentBatch": (BatchByIdLoader, BatchModel),
        }
        if type_name not in kinds:
            raise BadInput("id must be the ID of a ReimbursementClaim or PaymentBatch", field="id")
        loader, model = kinds[type_name]
        target = await ctx.loaders.get(loader).load(pk)

        async def change() -> Any:
            paid = await get_for_update(ctx.session, model, pk)
            return await claims.record_payment(
                ctx.session,
                ctx.principal,
                paid=paid,
                version=input.version,
                reference=input.reference,
                amount_minor=input.paid.amount_minor,
                currency=input.paid.currency,
            )

        async def work() -> Any:
            return await once_for(
                ctx,
                "recordPayment",
                input,
                model,
                change,
            )

        table = repo.CLAIMS if model is ClaimModel else repo.BATCHES
        paid = await run_mutation(
            ctx, "recordPayment", target, work, stored=stored_version(table, pk)
        )
        if isinstance(paid, ClaimModel):
            return PaymentPayload(claim=ReimbursementClaim.from_row(paid), batch=None)
        return PaymentPayload(claim=None, batch=PaymentBatch.from_row(paid))
