"""Funding's root fields and mutations. Every one of its mutations moves or fixes money: each
takes an idempotencyKey and runs once per key (stakeholders.idempotency)."""

from __future__ import annotations

from typing import Annotated, Any

import strawberry

from stakeholders.common.mutations import Facts, run_mutation, stored_version
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
from stakeholders.programmes.models import Programme as ProgrammeModel
from stakeholders.programmes.schema import (
    ProgrammeCode,
    ProgrammePayload,
    programme_by_id,
    programme_id_by_code,
    programme_list,
    programme_page,
    programme_target,
)
from stakeholders.programmes.types import Programme
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


async def _on_programme(
    info: Info, action: str, data: Any, model: type, change: Any, target: Any = None
) -> Any:
    """A money mutation on a programme: the programme locked, the change run once per key."""
    ctx = info.context
    pk, row = await programme_by_id(info, data.programme_id, "programmeId")

    async def work() -> Any:
        programme = await get_for_update(ctx.session, ProgrammeModel, pk)
        return await once_for(
            ctx,
            action,
            data,
            model,
            lambda: change(programme),
        )

    facts = target(row) if target is not None and row is not None else programme_target(row)
    return await run_mutation(ctx, action, facts, work)


@strawberry.type
class FundingMutation:
    @strawberry.mutation(description="Set the subsidy rule of a programme your party owns.")
    async def set_funding_rule(
        self,
        info: Info,
        input: Annotated[
            SetFundingRuleInput,
            strawberry.argument(description="The programme, who is paid, which audiences, rate."),
        ],
    ) -> ProgrammePayload | None:
        ctx = info.context
        rate = input.training_rate

        async def change(programme: ProgrammeModel) -> Any:
            if rate is not None:
                service.check_amount(
                    rate.amount_minor, rate.currency, programme, field="trainingRate"
                )
            return await service.set_funding_rule(
                ctx.session,
                ctx.principal,
                programme=programme,
                version=input.version,
                evaluation_payee=input.evaluation_payee,
                evaluation_audiences=input.evaluation_audiences,
                training_rate_minor=rate.amount_minor if rate is not None else None,
            )

        rule = await _on_programme(info, "setFundingRule", input, FundingRuleModel, change)
        stored = await ctx.session.get(ProgrammeModel, rule.programme_id)
        return ProgrammePayload(programme=Programme.from_row(stored))

    @strawberry.mutation(description="Set a line of the budget of a programme your party owns.")
    async def set_budget_line(
        self,
        info: Info,
        input: Annotated[
            SetBudgetLineInput,
            strawberry.argument(description="The programme, the line's code, name and amount."),
        ],
    ) -> ProgrammePayload | None:
        ctx = info.context

        def change(programme: ProgrammeModel) -> Any:
            return envelope.set_budget_line(
                ctx.session,
                ctx.principal,
                programme=programme,
                code=input.code,
                name=input.name,
                amount_minor=input.amount.amount_minor,
                currency=input.amount.currency,
                version=input.version,
            )

        line = await _on_programme(info, "setBudgetLine", input, BudgetLineModel, change)
        stored = await ctx.session.get(ProgrammeModel, line.programme_id)
        return ProgrammePayload(programme=Programme.from_row(stored))

    @strawberry.mutation(description="Publish an evaluation fee, as the programme's evaluator.")
    async def publish_fee_schedule(
        self,
        info: Info,
        input: Annotated[
            PublishFeeScheduleInput,
            strawberry.argument(description="The programme, level, track, fee and first day."),
        ],
    ) -> FeeSchedulePayload | None:
        ctx = info.context

        def change(programme: ProgrammeModel) -> Any:
            return service.publish_fee_schedule(
                ctx.session,
                ctx.principal,
                programme=programme,
                track_code=input.track,
                level=input.level,
                amount_minor=input.amount.amount_minor,
                currency=input.amount.currency,
                effective_from=input.effective_from,
            )

        fee = await _on_programme(info, "publishFeeSchedule", input, FeeModel, change)
        return FeeSchedulePayload(fee_schedule=FeeSchedule.from_row(fee))

    @strawberry.mutation(description="Claim back the subsidies your institution advanced.")
    async def submit_claim(
        self,
        info: Info,
        input: Annotated[
            SubmitClaimInput,
            strawberry.argument(description="The programme and the entitlements, or a day."),
        ],
    ) -> ClaimPayload | None:
        ctx = info.context
        operator = await own_or_named_party(info, input.operator_code, "operatorCode")
        choice = claims.Choice(
            ids=_ids(input.entitlement_ids, "entitlementIds"),
            up_to=input.up_to,
            verifier_party_id=await optional_party_id(info, input.verifier_code, "verifierCode"),
        )

        def change(programme: ProgrammeModel) -> Any:
            return claims.submit_claim(
                ctx.session,
                ctx.principal,
                programme=programme,
                operator_party_id=operator,
                choice=choice,
            )

        claim = await _on_programme(
            info,
            "submitClaim",
            input,
            ClaimModel,
            change,
            target=lambda row: Facts(party_id=operator, programme_id=row.id),
        )
        return ClaimPayload(claim=ReimbursementClaim.from_row(claim))

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

    @strawberry.mutation(description="Put evaluation subsidies owed to persons in a batch.")
    async def prepare_payment_batch(
        self,
        info: Info,
        input: Annotated[
            PreparePaymentBatchInput,
            strawberry.argument(description="The programme and the entitlements, or a day."),
        ],
    ) -> BatchPayload | None:
        ctx = info.context
        choice = claims.Choice(ids=_ids(input.entitlement_ids, "entitlementIds"), up_to=input.up_to)

        def change(programme: ProgrammeModel) -> Any:
            return claims.prepare_batch(
                ctx.session, ctx.principal, programme=programme, choice=choice
            )

        batch = await _on_programme(info, "preparePaymentBatch", input, BatchModel, change)
        return BatchPayload(batch=PaymentBatch.from_row(batch))

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
